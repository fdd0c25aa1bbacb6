# bash completion for farm
_farm() {
    local cur prev words cword
    _init_completion -n : 2>/dev/null || {
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
    }
    local commands="perf:build perf:report"
    local i command=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            --) return 0 ;;  # the measured command: let the default completion work
            perf:*) command="${COMP_WORDS[i]}"; break ;;
        esac
    done
    case "$command" in
        perf:build)
            case "$prev" in
                --install) COMPREPLY=($(compgen -W "warm cold noop none" -- "$cur")); return 0 ;;
                --db|--config|--pnpm) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            esac
            COMPREPLY=($(compgen -W "--runs --min-runs --max-runs --time-budget --warmup --prepare --cleanup --ignore-failure --shell --show-output --timeout --sample-hz --name --install --script --no-build --output-dir --pnpm --config --db --no-record --json --help --" -- "$cur")) ;;
        perf:report)
            case "$prev" in
                --fail-on) COMPREPLY=($(compgen -W "slower never" -- "$cur")); return 0 ;;
                --db|--config|--export|--import) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            esac
            COMPREPLY=($(compgen -W "--kind --subject --since --branch --last --compare --baseline --baseline-runs --alpha --threshold --metric --fail-on --export --push --import --prune --older-than --keep-last --db --config --json --help" -- "$cur")) ;;
        *)
            COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")) ;;
    esac
    __ltrim_colon_completions "$cur" 2>/dev/null
}
complete -F _farm farm
