#!/usr/bin/env bash
# Command-line mistakes explain themselves: a command typed without `--`, a misspelt option, a
# number or a word out of range, each answered in words with what to type instead (exit 2, and
# nothing run); and every command's --help has one Usage line and examples that parse.
source "$(dirname "$0")/lib.sh"

# Forgotten `--`: CLI11 alone said "The following arguments were not expected: 0 -e" (reversed).
run_farm perf:build --no-record node -e 0
expect_rc 2 "a command without -- is a usage error"
expect_contains "$ERR" 'did you mean `farm perf:build --no-record -- node -e 0`?' \
    "the forgotten -- is put back, the options kept before it"
expect_not_contains "$ERR" "not expected" "CLI11's reversed list is gone"
run_farm perf:build --runs 3 node -e 'process.exit(0)'
expect_contains "$ERR" "did you mean \`farm perf:build --runs 3 -- node -e 'process.exit(0)'\`?" \
    "an option's value is not taken for the command, and quoted words stay quoted"
run_farm perf:build sleep
expect_rc 2 "a command's name alone is read as a folder"
expect_contains "$ERR" 'To time the command `sleep`, put it after `--`: `farm perf:build -- sleep ...`' \
    "a word that is not a folder gets the -- hint"
expect_eq "$(runs_in_db)" "0" "nothing was run or stored"

# Misspelt options.
run_farm perf:build --runz 3 -- true
expect_rc 2 "a misspelt option is a usage error"
expect_contains "$ERR" "unknown option --runz: did you mean --runs?" "the closest option is named"
expect_not_contains "$ERR" "unexpected argument '3'" "the misspelt option's value is not a second mistake"
run_farm perf:report --compair
expect_contains "$ERR" "did you mean --compare?" "every command suggests its own options"
# A word left out: vLLM's --concurrency is perf:benchmark's --concurrency-levels, not the
# nearer typo --max-concurrency.
run_farm perf:benchmark --concurrency 1,2,4
expect_contains "$ERR" "unknown option --concurrency: did you mean --concurrency-levels?" \
    "an option that begins with the word is named first"
run_farm perf:report --zzzzzzzz
expect_contains "$ERR" "unknown option --zzzzzzzz" "an option far from every name is named"
expect_not_contains "$ERR" "did you mean" "and nothing far-fetched is suggested"
run_farm perf:report stray
expect_contains "$ERR" "unexpected argument 'stray'" "a stray word is named"
expect_not_contains "$ERR" "goes after" "perf:report takes no command: no -- suggestion"

# Numbers and words out of range, in words.
run_farm perf:build --runs abc -- true
expect_rc 2 "a word for a count is a usage error"
expect_contains "$ERR" "--runs takes a whole number from 1 to 1,000,000 (not 'abc')" \
    "the range in words, with the value given"
run_farm perf:build --runs 0 -- true
expect_contains "$ERR" "--runs takes a whole number from 1 to 1,000,000 (not '0')" "zero runs"
run_farm perf:build --runs 2.5 -- true
expect_contains "$ERR" "(not '2.5')" "a fraction is not a count"
run_farm perf:build --warmup -1 -- true
expect_contains "$ERR" "--warmup takes a whole number from 0 to 1,000,000" "a negative warm-up"
run_farm perf:report --compare --alpha 2
expect_contains "$ERR" "--alpha takes a number from 1e-09 to 0.5 (not '2')" "a decimal out of range, in words"
run_farm perf:report --compare --alpha nan
expect_contains "$ERR" "--alpha takes a number from" "nan is not a number"
run_farm perf:build --runner turob
expect_rc 2 "an unknown runner is a usage error"
expect_contains "$ERR" "--runner takes one of auto, turbo, nx, pnpm (not 'turob'): did you mean turbo?" \
    "the allowed words and the closest one"

# A failed command: its exit code and the hint first, and no statistics of the failed run.
run_farm perf:build --no-record -- sh -c 'exit 3'
expect_rc 3 "exit code 3: the measured command failed"
expect_eq "$(sed -n 2p <<<"$OUT")" "  run 1 failed (exit code 3)" "the failure is the line after the name"
expect_contains "$OUT" "To go on: \`-i\` (--ignore-failure) counts a non-zero exit as a run; \`--show-output\` shows what the command printed" \
    "the hint names -i and --show-output (the output went to /dev/null)"
expect_contains "$OUT" "no run completed, so nothing was measured" "a single failed run is not a number"
expect_not_contains "$OUT" "wall time" "no statistics table for a single failed run"
run_farm perf:build --no-record --show-output -- sh -c 'echo oops >&2; exit 3'
expect_not_contains "$OUT" "\`--show-output\` shows" "no --show-output hint when the output was shown"
# The second run fails: the statistics are those of the first alone, in the table and the JSON.
run_farm perf:build --no-record --runs 3 --json -- sh -c 'test -f ran && exit 4; touch ran'
expect_rc 3 "the second run failed: exit code 3"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "2" "both runs are listed"
expect_eq "$(json_get "$OUT" 'd["summary"]["wall_s"]["count"]')" "1" \
    "the summary is over the run that completed, not the failed one"
rm -f ran
run_farm perf:build --no-record --runs 3 -- sh -c 'test -f ran && exit 4; touch ran'
expect_contains "$OUT" "Statistics over 1 timed run (the 1 that failed left out)" "the table says what it left out"
rm -f ran

# Every --help: one Usage line in farm's spelling, and examples whose options the command has.
commands="perf perf:build perf:ai perf:benchmark perf:dev perf:report perf:test optimize"
commands+=" optimize:pnpm optimize:build optimize:ai completion"
for command in $commands; do
    run_farm "$command" --help
    expect_rc 0 "$command --help"
    expect_eq "$(grep -c '^Usage:' <<<"$OUT")" "1" "$command --help has one Usage line"
    expect_contains "$OUT" "Usage: farm $command " "$command's usage is spelt as users type it"
    examples=$(sed -n '/^Examples:/,/^$/p' <<<"$OUT" | grep '^  farm ')
    if [[ -z "$examples" ]]; then
        fail "$command --help has no examples"
        continue
    fi
    # Each option an example uses is one the command lists (a renamed option breaks this).
    while read -r option; do
        if grep -qE -- "(^|[ ,])$option([ ,=]|$)" <<<"$OUT"; then
            pass
        else
            fail "$command --help: its example uses $option, which it does not list"
        fi
    done < <(sed "s/#.*//; s/'[^']*'//g" <<<"$examples" | grep -oE -- ' --?[a-z][a-z-]*' | sed 's/^ //' | sort -u)
done

finish
