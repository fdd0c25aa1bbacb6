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
            COMPREPLY=($(compgen -W "--runs --min-runs --max-runs --time-budget --warmup --prepare --cleanup --ignore-failure --shell --show-output --timeout --sample-hz --name --db --no-record --json --help --" -- "$cur")) ;;
        perf:report)
            COMPREPLY=($(compgen -W "--kind --subject --last --db --json --help" -- "$cur")) ;;
        *)
            COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")) ;;
    esac
    __ltrim_colon_completions "$cur" 2>/dev/null
}
complete -F _farm farm
