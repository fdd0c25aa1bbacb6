#!/usr/bin/env bash
# Output that fits: with COLUMNS=80 (stdout is a file here, so COLUMNS is the width), every line
# of perf:build, perf:build -c/-c, perf:ai (against the mock), perf:report and
# perf:report --compare is at most 80 columns (display width, colour stripped), no number is cut,
# and the same words hold everywhere: "1 run"/"3 runs", MiB, the primary metric by default with
# `--metric all` for the rest, and the geometric mean says how many rows it is over. Without
# COLUMNS a redirected report keeps every column.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

# widest TEXT: the display width of its widest line (code points, ANSI colour removed).
widest() {
    python3 -c '
import re, sys
lines = sys.argv[1].split("\n")
print(max(len(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", l)) for l in lines))' "$1"
}
expect_fits() { # expect_fits TEXT WIDTH WHAT
    local w
    w=$(widest "$1")
    if ((w <= $2)); then pass; else fail "$3: a line is $w columns wide, more than $2: $1"; fi
}
# expect_line TEXT PIECE WHAT: PIECE stands whole on one line (a number never wrapped).
expect_line() {
    if grep -qF -- "$2" <<<"$1"; then pass; else fail "$3: '$2' is not whole on a line of: $1"; fi
}

# flat TEXT: the text with its lines joined by single spaces (prose that was wrapped reads whole).
flat() { tr '\n' ' ' <<<"$1" | tr -s ' '; }

# --- perf:build, one command -------------------------------------------------------------------
export COLUMNS=80
# Long enough for the tree's RSS to be sampled (a command below farm's own peak RSS has no wait4
# figure, docs/metrics.md).
run_farm perf:build --no-record --runs 3 -- sleep 0.2
expect_rc 0 "perf:build -- sleep 0.2"
expect_fits "$OUT" 80 "perf:build at 80 columns"
expect_contains "$OUT" "  3 runs, ok" "3 runs, plural"
expect_contains "$OUT" "MiB" "memory in MiB"
expect_not_contains "$OUT" " MB" "no MB"
expect_contains "$(flat "$OUT")" "left out at 80 columns: min … max, 95% CI of median" \
    "the columns left out are named"
wall_line=$(grep -E '^ +wall time ' <<<"$OUT")
# The unit may be µs, ms or s, never cut from its number.
if grep -qE '^ +wall time +[0-9.]+ (µs|ms|s) ' <<<"$wall_line"; then
    pass
else
    fail "the wall time row keeps its numbers and units: $wall_line"
fi

run_farm perf:build --no-record --runs 1 -- true
expect_contains "$OUT" "  1 run, ok" "1 run, singular"
expect_contains "$(flat "$OUT")" "Statistics over 1 timed run." "1 timed run, singular"

COLUMNS=200 run_farm perf:build --no-record --runs 3 -- true
expect_contains "$OUT" "95% CI of median" "at 200 columns every column is shown"
expect_not_contains "$OUT" "left out" "nothing left out at 200 columns"

# Not a terminal and no COLUMNS: every column, as wide as it takes (a report piped to a file).
unset COLUMNS
run_farm perf:build --no-record --runs 3 -- true
expect_not_contains "$OUT" "left out" "without COLUMNS a redirected table keeps every column"
expect_eq "$(($(widest "$OUT") > 80))" "1" "and is wider than 80"
export COLUMNS=80

# --- perf:build -c -c (recorded: perf:report below reads them) -----------------------------------
run_farm perf:build --runs 3 -c 'sleep 0.01' -c 'sleep 0.02'
expect_rc 0 "perf:build -c -c"
expect_fits "$OUT" 80 "perf:build -c -c at 80 columns"
expect_contains "$OUT" "recorded 2 runs in" "2 runs recorded, plural"
expect_contains "$(flat "$OUT")" "times faster than \`sleep 0.02\`" "the relative speed, wrapped whole"

# --- perf:ai against the mock -------------------------------------------------------------------
start_mock --ttft-ms 5 --itl-ms 1 --chunks 8
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 \
    --input-len 20 --output-len 8 --seed 7
expect_rc 0 "perf:ai against the mock"
expect_fits "$OUT" 80 "perf:ai at 80 columns"
subject="openai/m/chat_stream/in=20,out=8,seed=7"
expect_line "$OUT" "   $subject" "the table names the whole subject, its workload too"
expect_eq "$(grep -cE '^Workload: +in=20,out=8,seed=7 *$' <<<"$OUT")" "1" \
    "the vertical summary names the workload"
expect_contains "$OUT" "TTFT ms med/p90/p95/p99" "TTFT stays in the table"
expect_contains "$OUT" "E2E ms med/p90/p95/p99: " "the other columns are stacked under the row"

# --- perf:report: each subject's primary metric, --metric all for the rest -----------------------
run_farm perf:report
expect_rc 0 "perf:report"
expect_fits "$OUT" 80 "perf:report at 80 columns"
expect_contains "$OUT" "build · sleep 0.01  (1 run)" "1 run, singular"
expect_contains "$OUT" "wall time" "the primary metric of a command: wall time"
expect_not_contains "$OUT" "user CPU" "only the primary metric by default"
expect_contains "$OUT" "3 more metrics: --metric all" "says how to see the rest (no RSS: 10 ms is no sample)"
expect_contains "$OUT" "time to first token" "the primary metric of an AI run: TTFT"
run_farm perf:report --metric all
expect_rc 0 "perf:report --metric all"
expect_contains "$OUT" "user CPU" "--metric all shows every metric"
expect_contains "$OUT" "CPU cores used (tree)" "--metric all shows every metric"
expect_fits "$OUT" 80 "perf:report --metric all at 80 columns"
run_farm perf:report --metric user_s
expect_contains "$OUT" "user CPU" "--metric NAME shows that metric"
expect_not_contains "$OUT" "wall time  " "and not the primary"

# --- perf:report --compare: the geometric mean over the compared rows, counted -------------------
# Two subjects with 5 runs before and 5 after, one with no earlier run: 2 rows compared.
for i in 1 2; do
    "$FARM" perf:build --runs 5 --name before-after -- true >/dev/null || fail "a run of true"
    "$FARM" perf:build --runs 5 --name other -- true >/dev/null || fail "a run of true"
done
"$FARM" perf:build --runs 5 --name only-once -- true >/dev/null || fail "a run of true"
run_farm perf:report --compare --fail-on never
expect_rc 0 "perf:report --compare"
expect_fits "$OUT" 80 "perf:report --compare at 80 columns"
expect_contains "$OUT" "of 2 compared" "the geometric mean counts its rows"
expect_contains "$(flat "$OUT")" "primary metric of the 2 subjects with a baseline" "and says which"
run_farm perf:report --compare --fail-on never --json
expect_eq "$(json_get "$OUT" 'd["comparison"]["geomean_rows"]')" "2" "JSON: geomean_rows"
expect_eq "$(json_get "$OUT" 'len(d["comparison"]["rows"])')" "6" "JSON: every subject has a row"

# --- the advice commands and the dashboard: their sentences wrapped, their meters fitted ------------
for cmd in optimize optimize:build optimize:ai perf; do
    run_farm $cmd
    expect_rc 0 "$cmd"
    expect_fits "$OUT" 80 "$cmd at 80 columns"
done

# perf:test: a long suite name stacks the table's row, the failure's reason wraps.
cat >farm.config.json <<'JSON'
{"test": {"suites": [{"name": "a suite name as long as the ones people write in a hurry", "kind": "build",
  "command": ["true"], "runs": 2, "thresholds": [{"metric": "wall_s", "max": 0.0000001}]}]}}
JSON
run_farm perf:test --no-record
expect_rc 1 "perf:test with a threshold that fails"
expect_fits "$OUT" 80 "perf:test at 80 columns"
expect_contains "$OUT" "a suite name as long as the ones people write in a hurry" "the name whole"
rm farm.config.json

# --- colour: none on a pipe, none with NO_COLOR ---------------------------------------------------
NO_COLOR=1 run_farm perf:report --compare --fail-on never
expect_not_contains "$OUT" $'\033[' "no escape sequences with NO_COLOR"

finish
