#!/usr/bin/env bash
# perf:report end to end: trends, --compare on synthetic histories (brought in through
# --import of hyperfine JSON), baselines by run, commit and branch, exports, prune, and the
# friendly empty history.
source "$(dirname "$0")/lib.sh"

# hyperfine_json FILE MEDIAN_S N SEED: a hyperfine --export-json file with N lognormal times.
hyperfine_json() {
    python3 - "$@" <<'PY'
import json, math, random, sys
path, median, n, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
times = [median * math.exp(rng.gauss(0, 0.04)) for _ in range(n)]
json.dump({"results": [{"command": "sleep", "mean": sum(times) / n, "times": times,
                        "exit_codes": [0] * n}]}, open(path, "w"))
PY
}
# import_run SUBJECT MEDIAN_S N SEED MINUTES_AGO
import_run() {
    hyperfine_json "h.json" "$2" "$3" "$4"
    touch -d "$5 minutes ago" h.json
    "$FARM" perf:report --import h.json --subject "$1" >/dev/null || fail "import of $1"
}

# An empty history is friendly, exit 0.
run_farm perf:report
expect_rc 0 "an empty history"
expect_contains "$OUT" "Nothing recorded yet" "says nothing is recorded"
expect_contains "$OUT" "farm perf:build" "says how to start"

# Baselines: 4 earlier runs each; then the candidates, one 25% slower.
for i in 1 2 3 4; do
    import_run slow 0.100 10 "$i" $((60 - i))
    import_run steady 0.200 10 "$((i + 10))" $((60 - i))
done
import_run slow 0.125 10 99 1
import_run steady 0.200 10 98 1
import_run tiny 0.050 3 97 1

run_farm perf:report --compare
expect_rc 1 "a regression exits 1"
expect_contains "$OUT" "geometric mean" "a geometric-mean row"
# Over the rows compared: slow and steady have baselines; tiny (no earlier run) is left out.
expect_contains "$OUT" "of 2 compared" "the geometric mean says it is over 2 compared rows"
slow_line=$(grep -E '^ +slow ' <<<"$OUT")
steady_line=$(grep -E '^ +steady ' <<<"$OUT")
tiny_line=$(grep -E '^ +tiny ' <<<"$OUT")
expect_contains "$slow_line" "slower" "the 25% slowdown is named slower"
expect_contains "$steady_line" "no change" "the steady subject has no change"
expect_contains "$tiny_line" "not enough data" "3 samples are not enough data"
expect_contains "$OUT" "slow: the previous 4 runs" "the baseline is said"

run_farm perf:report --compare --fail-on never
expect_rc 0 "--fail-on never"
run_farm perf:report --compare --json
expect_rc 1 "--compare --json keeps the exit code"
expect_eq "$(json_get "$OUT" '[r["verdict"] for r in d["comparison"]["rows"] if r["subject"] == "slow"]')" "['slower']" "JSON verdict"
expect_eq "$(json_get "$OUT" 'd["comparison"]["rows"][0]["p_value"] is not None')" "True" "JSON p-value"
run_farm perf:report --compare --subject steady
expect_rc 0 "only the steady subject: nothing regressed"
run_farm perf:report --compare --threshold 50
expect_rc 0 "a 50% noise floor hides a 25% change"

# Baseline by run id, and a baseline that matches nothing.
first_slow=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select min(id) from runs where subject=\"slow\"").fetchone()[0])' "$FARM_DB")
run_farm perf:report --compare --subject slow --baseline "#$first_slow"
expect_rc 1 "--baseline RUN_ID"
expect_contains "$OUT" "run #$first_slow" "names the baseline run"
run_farm perf:report --compare --baseline no-such-branch
expect_rc 2 "a baseline that matches nothing"
expect_contains "$ERR" "matches no completed run" "says so"
expect_contains "$ERR" "branch no-such-branch" "and what it tried"

# Baselines by commit and by branch, in a real repository.
mkdir repo && cd repo
git init -q -b main . && git config user.email t@example.com && git config user.name t
echo a > a && git add a && git commit -qm one
base_commit=$(git rev-parse HEAD)
for i in 1 2; do "$FARM" perf:build --runs 5 --name g -- sleep 0.01 >/dev/null; done
git checkout -qb feature && echo b > b && git add b && git commit -qm two
"$FARM" perf:build --runs 5 --name g -- sleep 0.3 >/dev/null  # far apart: the machine may be loaded
# main moves on without runs: its tip has none, so `--baseline main` takes main's recorded runs.
git checkout -q main && echo c > c && git add c && git commit -qm three && git checkout -q feature
run_farm perf:report --compare --subject g
expect_rc 1 "default baseline: the merge-base with main"
expect_contains "$OUT" "merge-base ${base_commit:0:10} of HEAD and main (2 runs)" "names the merge-base"
run_farm perf:report --compare --subject g --baseline "${base_commit:0:8}"
expect_rc 1 "--baseline COMMIT"
expect_contains "$OUT" "commit ${base_commit:0:10}" "names the commit"
run_farm perf:report --compare --subject g --baseline main
expect_rc 1 "--baseline BRANCH"
expect_contains "$OUT" "branch main" "names the branch"
run_farm perf:report --branch feature --json
expect_eq "$(json_get "$OUT" '[len(s["runs"]) for s in d["subjects"]]')" "[1]" "--branch filters"
cd ..

# Trends.
run_farm perf:report --subject 'sl*'
expect_rc 0 "the trend report"
expect_contains "$OUT" "build · slow  (5 runs)" "subject heading with its run count"
expect_contains "$OUT" "+2" "the trend of the slowed subject (about +25%)"
run_farm perf:report --json --last 2
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.report/1" "schema"
expect_eq "$(json_get "$OUT" 'max(len(s["runs"]) for s in d["subjects"])')" "2" "--last 2"
run_farm perf:report --json --since 30m
expect_eq "$(json_get "$OUT" 'sorted(s["subject"] for s in d["subjects"])')" "['g', 'slow', 'steady', 'tiny']" "--since 30m"
run_farm perf:report --since yesterday
expect_rc 2 "a malformed age"

# Exports.
run_farm perf:report --compare --export report.json --fail-on never
expect_rc 0 "export JSON"
expect_eq "$(json_get "$(cat report.json)" 'd["comparison"] is not None')" "True" "the export holds the comparison"
expect_eq "$(json_get "$(cat report.json)" '[len(s["runs"][0]["metrics"]["wall_s"]["values"]) for s in d["subjects"] if s["subject"] == "slow"]')" "[10]" "the JSON export holds every value"
run_farm perf:report --subject slow --export report.csv
expect_eq "$(($(wc -l < report.csv) - 1))" "50" "CSV: one row per iteration and metric (5 runs x 10)"
expect_eq "$(head -1 report.csv | tr -d '\r')" "kind,subject,run_id,started_at,status,git_commit,git_branch,iteration,metric,unit,value" "CSV header"
run_farm perf:report --compare --export report.md --fail-on never
expect_contains "$(cat report.md)" "| slow |" "Markdown table"
run_farm perf:report --export report.prom
expect_contains "$(cat report.prom)" 'farm_build_duration_seconds{subject="slow"' "Prometheus names"
run_farm perf:report --export report.xlsx
expect_rc 2 "an unknown export extension"
expect_contains "$ERR" "json, csv, md, html, prom" "lists the supported ones"
if [[ ! -e report.xlsx ]]; then pass; else fail "nothing written for an unknown extension"; fi

# Prune.
run_farm perf:report --prune --keep-last 2 --subject slow
expect_rc 0 "--prune --keep-last"
expect_contains "$OUT" "removed 3 runs of build · slow" "says what it removed"
expect_not_contains "$OUT" "steady" "only the selected subject is pruned"
run_farm perf:report --json --subject slow
expect_eq "$(json_get "$OUT" 'len(d["subjects"][0]["runs"])')" "2" "two runs kept"
run_farm perf:report --json --subject steady
expect_eq "$(json_get "$OUT" 'len(d["subjects"][0]["runs"])')" "5" "the other subject keeps its runs"
run_farm perf:report --prune
expect_rc 2 "--prune needs a rule"
run_farm perf:report --prune --older-than 1s
expect_rc 0 "--prune --older-than"
run_farm perf:report
expect_contains "$OUT" "Nothing recorded yet" "everything older than 1 s is gone"

finish
