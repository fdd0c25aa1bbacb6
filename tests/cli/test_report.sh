#!/usr/bin/env bash
# The first perf:report: recent runs per subject, medians, change against the previous run.
source "$(dirname "$0")/lib.sh"

run_farm perf:build --runs 5 --name fast -- sleep 0.01
run_farm perf:build --runs 5 --name fast -- sleep 0.05
run_farm perf:build --runs 3 --name other -- true

run_farm perf:report
expect_rc 0 "perf:report"
expect_contains "$OUT" "build · fast" "subject heading"
expect_contains "$OUT" "build · other" "second subject"
expect_contains "$OUT" "wall time" "the primary metric is named"

run_farm perf:report --json
expect_rc 0 "perf:report --json"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.report.recent/1" "schema"
expect_eq "$(json_get "$OUT" '[s["subject"] for s in d["subjects"]]')" "['fast', 'other']" "subjects in order"
fast_change=$(json_get "$OUT" 'd["subjects"][0]["runs"][0]["vs_previous"]["change_pct"]')
# sleep 0.05 against sleep 0.01: several times slower, whatever the machine's noise.
if python3 -c "import sys; sys.exit(0 if float('$fast_change') > 100 else 1)"; then pass; else fail "change vs previous: $fast_change"; fi
expect_eq "$(json_get "$OUT" 'd["subjects"][0]["runs"][1]["vs_previous"]')" "None" "the first run has nothing to compare with"

run_farm perf:report --json --subject 'fa*'
expect_eq "$(json_get "$OUT" 'len(d["subjects"])')" "1" "--subject glob"
run_farm perf:report --json --last 1
expect_eq "$(json_get "$OUT" 'len(d["subjects"][0]["runs"])')" "1" "--last 1"
expect_eq "$(json_get "$OUT" 'd["subjects"][0]["runs"][0]["vs_previous"] is not None')" "True" "--last 1 still compares with the run before"
run_farm perf:report --json --kind ai
expect_eq "$(json_get "$OUT" 'len(d["subjects"])')" "0" "--kind filters"

finish
