#!/usr/bin/env bash
# Dispatch: help, version, the colon and space forms, typos, bad options and their exit codes.
source "$(dirname "$0")/lib.sh"

run_farm --help
expect_rc 0 "--help"
expect_contains "$OUT" "perf:build" "--help lists perf:build"
expect_contains "$OUT" "perf:report" "--help lists perf:report"
expect_contains "$OUT" "130 interrupted" "--help documents exit codes"

run_farm
expect_rc 0 "no arguments shows the help"
expect_contains "$OUT" "Commands:" "no arguments shows the help"

run_farm --version
expect_rc 0 "--version"
expect_contains "$OUT" "farm " "--version prints the name"

run_farm perf:build --help
colon_help=$OUT
expect_rc 0 "perf:build --help"
expect_contains "$colon_help" "--runs" "perf:build --help lists --runs"
run_farm perf build --help
expect_eq "$OUT" "$colon_help" "perf build --help is the same as perf:build --help"

run_farm perf:biuld
expect_rc 2 "a typo is a usage error"
expect_contains "$ERR" "did you mean perf:build?" "a typo gets a suggestion"
run_farm perf reprot
expect_rc 2 "a typo in the space form"
expect_contains "$ERR" "did you mean perf:report?" "the space form gets a suggestion too"
run_farm deploy
expect_rc 2 "an unknown command"
expect_contains "$ERR" "unknown command 'deploy'" "an unknown command is named"

run_farm perf:build --runs 3 --min-runs 2 -- true
expect_rc 2 "--runs with --min-runs conflict"
expect_contains "$ERR" "Usage: farm perf:build" "a usage error shows the command's usage"
run_farm perf:build --runs abc -- true
expect_rc 2 "a malformed number"
run_farm perf:build --runs 0 -- true
expect_rc 2 "--runs 0"
run_farm perf:build --min-runs 5 --max-runs 2 -- true
expect_rc 2 "--max-runs below --min-runs"
expect_contains "$ERR" "--max-runs 2 is below --min-runs 5" "the conflict is explained"
run_farm perf:build --runs 2
expect_rc 2 "no command after -- outside a pnpm project"
expect_contains "$ERR" "not a pnpm project" "says it looked for a pnpm project"
expect_contains "$ERR" "farm perf:build -- COMMAND" "and how to time a command instead"
run_farm perf:build --runs 2 --
expect_rc 2 "an empty command after --"
expect_contains "$ERR" "after \`--\`" "the missing command is explained"
run_farm perf:build --no-such-option -- true
expect_rc 2 "an unknown option"

# The colon form and the space form measure the same subject.
run_farm perf:build --runs 2 -- true
expect_rc 0 "perf:build runs"
run_farm perf build --runs 2 -- true
expect_rc 0 "perf build runs"
run_farm perf:report --json
expect_eq "$(json_get "$OUT" 'len(d["subjects"])')" "1" "both forms record one subject"
expect_eq "$(json_get "$OUT" 'len(d["subjects"][0]["runs"])')" "2" "with two runs"

# --json asked with a command-line mistake: the error is a farm.error/1 document on stdout too.
run_farm perf:build --json --runs nope -- true
expect_rc 2 "a parse error is a usage error"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.error/1" "a parse error with --json is a JSON document"
expect_contains "$(json_get "$OUT" 'd["error"]')" "--runs" "the document names the option"
run_farm perf:report --no-such-flag --json
expect_eq "$(json_get "$OUT" 'd["exit_code"]')" "2" "an unknown option with --json"

finish
