#!/usr/bin/env bash
# Completion scripts and the manual page: the committed files are exactly what `farm completion`
# prints, they name every command and option the help lists (read from the help text, not from
# the generator), bash completes what users type, and zsh and fish load them without errors.
source "$(dirname "$0")/lib.sh"
src="${FARM_SOURCE_DIR:?}"
hint="run scripts/update-completions.sh after building, and commit the result"

# (a) The committed files are the generator's output, byte for byte.
for pair in "bash completions/farm.bash" "zsh completions/_farm" "fish completions/farm.fish" \
    "man man/farm.1"; do
    read -r kind file <<<"$pair"
    "$FARM" completion "$kind" >"$WORK/generated" 2>"$WORK/.err"
    expect_eq "$?" 0 "farm completion $kind"
    if cmp -s "$WORK/generated" "$src/$file"; then
        pass
    else
        fail "$file differs from \`farm completion $kind\`: $hint"
        diff "$src/$file" "$WORK/generated" | head -20 >&2
    fi
done

# (b) Every command of `farm --help`, and every option of `farm COMMAND --help`, is in each file.
help=$("$FARM" --help)
mapfile -t commands < <(sed -n '/^Commands:/,/^$/p' <<<"$help" | awk 'NR > 1 && NF { print $1 }')
expect_contains "${commands[*]}" "perf:build" "the commands are read from --help"
# The option names of a CLI11 help: the first field of the lines that start with a dash.
options_in_help() {
    awk '/^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}
mapfile -t global_options < <(sed -n '/^Options:/,/^$/p' <<<"$help" | options_in_help)
expect_contains "${global_options[*]}" "--version" "the global options are read from --help"

bash_file="$src/completions/farm.bash" zsh_file="$src/completions/_farm"
fish_file="$src/completions/farm.fish" man_file="$src/man/farm.1"
roff_name() { sed 's/-/\\-/g' <<<"$1"; }
for command in "${commands[@]}"; do
    [[ " $(grep '^_farm_commands=(' "$bash_file" | tr '()' '  ') " == *" $command "* ]] ||
        fail "farm.bash lacks the command $command: $hint"
    zsh_name=${command//:/\\:}
    grep -qF "'$zsh_name:" "$zsh_file" || fail "_farm lacks the command $command: $hint"
    grep -qF -- "-a '$command' -d" "$fish_file" || fail "farm.fish lacks the command $command: $hint"
    grep -qF ".SS \"farm $command " "$man_file" || fail "farm.1 lacks the command $command: $hint"
    pass

    mapfile -t options < <("$FARM" "$command" --help | options_in_help)
    [[ ${#options[@]} -gt 0 ]] || fail "no options read from \`farm $command --help\`"
    bash_line=$(grep "^    $command) _farm_choices=(" "$bash_file")
    zsh_block=$(sed -n "/^  $command)\$/,/^    ;;\$/p" "$zsh_file")
    fish_lines=$(grep -F "'__farm_using $command'" "$fish_file")
    man_block=$(awk -v head=".SS \"farm $command " \
        'index($0, head) == 1 { on = 1; next } /^\.S[SH] / { on = 0 } on' "$man_file")
    for option in "${options[@]}"; do
        [[ "$bash_line" =~ [\(\ ]$option[\ \)] ]] ||
            fail "farm.bash lacks $command $option: $hint"
        [[ "$zsh_block" == *"'$option["* || "$zsh_block" == *"'*$option["* ||
            "$zsh_block" == *"{$option,"* ||
            "$zsh_block" == *",$option}"* ]] || fail "_farm lacks $command $option: $hint"
        if [[ $option == --* ]]; then fish_flag="-l ${option#--}"; else fish_flag="-s ${option#-}"; fi
        [[ "$fish_lines" == *" $fish_flag "* ]] || fail "farm.fish lacks $command $option: $hint"
        [[ "$man_block" == *"\\fB$(roff_name "$option")\\fR"* ]] ||
            fail "farm.1 lacks $command $option: $hint"
        pass
    done
done
for option in "${global_options[@]}"; do
    grep -q "^    '') _farm_choices=(.*$option" "$bash_file" || fail "farm.bash lacks $option"
    grep -qF -- "$option" "$zsh_file" || fail "_farm lacks $option"
    pass
done

# (c) bash: the completion function, called as bash calls it.
# complete_bash LINE [WORDBREAKS]: prints the replies for the cursor at the end of LINE.
complete_bash() {
    bash --norc --noprofile -c '
        source "$1" || exit 1
        [[ -n $3 ]] && COMP_WORDBREAKS=$3
        COMP_LINE=$2
        COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _farm farm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$bash_file" "$1" "${2:-}"
}
expect_eq "$(complete_bash "farm perf:bu")" "build" \
    "perf:bu with ':' in COMP_WORDBREAKS: bash replaces only 'bu'"
expect_eq "$(complete_bash "farm perf:bu" " ")" "perf:build" "perf:bu without ':' in COMP_WORDBREAKS"
expect_eq "$(complete_bash "farm perf:build --ins")" "--install" "an option of perf:build"
expect_eq "$(complete_bash "farm perf:build --install " | tr '\n' ' ')" "cold none noop offline prod warm " \
    "the values of --install, from its check"
expect_eq "$(complete_bash "farm perf:build --install=c")" "cold" "--install=VALUE"
expect_eq "$(complete_bash "farm perf bu")" "build" "the space form"
expect_eq "$(complete_bash "farm perf:rep")" "report" "perf:report"
expect_eq "$(complete_bash "farm compl")" "completion" "a command without a group"
expect_eq "$(complete_bash "farm completion " | tr '\n' ' ')" "bash fish man zsh " \
    "the shells of farm completion"
expect_eq "$(complete_bash "farm perf:build --runs 2 -- ")" "" "the timed command is not ours"
touch history-here.db
expect_eq "$(complete_bash "farm perf:build --db hist")" "history-here.db" "--db completes files"

# Dynamic values: subjects from the history, with the history the command line names.
run_farm completion --list subjects
expect_rc 0 "--list subjects without a history"
expect_eq "$OUT$ERR" "" "--list subjects prints nothing without a history"
run_farm perf:build --runs 1 --name web:build -- true
expect_rc 0 "a run to complete from"
FARM_DB="$WORK/other.db" "$FARM" perf:build --runs 1 --name api -- true >/dev/null
run_farm completion --list subjects
expect_eq "$OUT" "web:build" "--list subjects"
run_farm completion --list providers
expect_eq "$(tr '\n' ' ' <<<"$OUT")$ERR" "openai ollama tgi " "--list providers: the types when none is configured"
cat >farm.config.json <<'JSON'
{"ai": {"providers": [{"name": "local", "type": "ollama", "base_url": "http://127.0.0.1:11434"}]},
 "test": {"suites": [{"name": "cli", "kind": "build", "command": ["true"]},
                     {"name": "chat", "kind": "ai"}]}}
JSON
expect_eq "$(complete_bash "$FARM perf:ai --provider l")" "local" "--provider from the config"
expect_eq "$(complete_bash "$FARM perf:test --suite " | tr '\n' ' ')" "chat cli " "--suite from the config"
echo '{"test": ' >farm.config.json
run_farm completion --list suites
expect_eq "$OUT$ERR" "" "--list suites: a config that does not load gives nothing"
rm farm.config.json
expect_eq "$(complete_bash "$FARM perf:report --subject ")" "web:build" "--subject from the history"
expect_eq "$(complete_bash "$FARM perf:report --db $WORK/other.db --subject ")" "api" \
    "--subject from the history --db names"
run_farm completion
expect_rc 2 "farm completion without a shell"
expect_contains "$ERR" "farm completion bash|zsh|fish" "says which shells"

# (d) zsh and fish load the files without errors.
if command -v zsh >/dev/null; then
    out=$(zsh -f -c "autoload -U compinit; compinit -u -d $WORK/zcompdump; source '$zsh_file';
        print -r -- \${_comps[farm]}" 2>&1)
    expect_eq "$out" "_farm" "zsh loads _farm and registers it"
    out=$(zsh -n "$zsh_file" 2>&1)
    expect_eq "$out" "" "zsh -n _farm"
else
    echo "$TEST_NAME: zsh not installed, its checks skipped (scripts/setup-deps.sh --test)"
fi
if command -v fish >/dev/null; then
    out=$(fish --no-config -c "source '$fish_file'" 2>&1)
    expect_eq "$out" "" "fish loads farm.fish"
    out=$(PATH="$(dirname "$FARM"):$PATH" fish --no-config -c "source '$fish_file'
        complete -C'farm perf:bu'; complete -C'farm perf build --install '
        complete -C'farm perf:report --subject '" 2>&1 | cut -f1 | tr '\n' ' ')
    expect_eq "$out" "perf:build cold none noop offline prod warm web:build " "fish completes commands and values"
else
    echo "$TEST_NAME: fish not installed, its checks skipped (scripts/setup-deps.sh --test)"
fi
if command -v groff >/dev/null; then
    out=$(groff -man -ww -z "$man_file" 2>&1)
    expect_eq "$out" "" "farm.1 formats without warnings"
fi

finish
