#!/usr/bin/env bash
# perf:build end to end: JSON output, run counts, warm-ups, prepare, FARM_ITERATION, failures,
# and what is (not) stored.
source "$(dirname "$0")/lib.sh"

# --json is one valid document with the documented fields.
run_farm perf:build --runs 4 --warmup 2 --json -- sh -c 'echo x >> calls'
expect_rc 0 "a passing command"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.run/1" "schema"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "4" "--runs 4 gives 4 timed runs"
expect_eq "$(wc -l < calls | tr -d ' ')" "6" "2 warm-ups + 4 runs executed the command"
for key in run_id kind subject command git host runs summary outliers; do
    expect_eq "$(json_get "$OUT" "'$key' in d")" "True" "JSON has $key"
done
for key in wall_s user_s sys_s max_rss_bytes tree_peak_rss_bytes exit_code signal; do
    expect_eq "$(json_get "$OUT" "'$key' in d['runs'][0]")" "True" "each run has $key"
done
# Linux charges a command started with vfork with farm's own peak RSS at exec: a command below it
# has no wait4 figure (null, never farm's), one above it its own.
expect_eq "$(json_get "$OUT" 'd["runs"][0]["max_rss_bytes"]')" "None" \
    "a command below farm's own peak RSS: max_rss_bytes not measured"
run_farm perf:build --runs 1 --no-record --json -- python3 -c 'b = b"\x01" * (100 * 1024 * 1024)'
expect_eq "$(json_get "$OUT" '100 * 2**20 < d["runs"][0]["max_rss_bytes"] < 200 * 2**20')" "True" \
    "a command above it: its own peak"
run_farm perf:build --runs 2 --no-record -- sh -c 'echo x >> calls'
expect_contains "$OUT" "'Largest process' is not measured in 2 of 2 runs" "the table says why the row is missing"
run_farm perf:build --runs 4 --warmup 2 --json --no-record -- sh -c 'echo x >> calls'
for key in mean median stddev min max p95 ci95_low ci95_high; do
    expect_eq "$(json_get "$OUT" "'$key' in d['summary']['wall_s']")" "True" "summary has $key"
done
expect_eq "$(json_get "$OUT" 'd["subject"]')" "sh -c 'echo x >> calls'" "subject is the command line as typed"
expect_eq "$(json_get "$OUT" 'd["status"]')" "ok" "status ok"
expect_eq "$(runs_in_db)" "1" "the run is stored"

# FARM_ITERATION and --prepare before each run.
run_farm perf:build --runs 3 --prepare 'echo p >> prepared' -- sh -c 'echo "$FARM_ITERATION" >> iterations'
expect_rc 0 "prepare + FARM_ITERATION"
expect_eq "$(tr '\n' ' ' < iterations)" "0 1 2 " "FARM_ITERATION counts the timed runs"
expect_eq "$(wc -l < prepared | tr -d ' ')" "3" "--prepare ran before each run"

# Without --runs: at least --min-runs, at most --max-runs.
run_farm perf:build --min-runs 3 --max-runs 5 --time-budget 0.01 --json -- sleep 0.05
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "3" "a tiny budget gives --min-runs runs"
run_farm perf:build --min-runs 2 --max-runs 6 --json -- true
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "6" "a fast command is capped by --max-runs"

# A failing command: exit 3, stored as failed, the output tail shown.
before=$(runs_in_db)
run_farm perf:build --runs 5 -- sh -c 'echo "compiler says no" >&2; exit 4'
expect_rc 3 "a failing command exits 3"
expect_contains "$OUT" "exit code 4" "the failure is described"
expect_contains "$OUT" "compiler says no" "the command's last output is shown"
expect_eq "$(runs_in_db)" "$((before + 1))" "a failed run is stored"
run_farm perf:report --json --subject "sh -c 'echo \"compiler says no\"*"
expect_eq "$(json_get "$OUT" 'd["subjects"][0]["runs"][0]["status"]')" "failed" "stored as failed"

# --ignore-failure keeps going.
run_farm perf:build --runs 3 --ignore-failure --json -- sh -c 'exit 1'
expect_rc 0 "--ignore-failure"
expect_eq "$(json_get "$OUT" '[r["exit_code"] for r in d["runs"]]')" "[1, 1, 1]" "exit codes recorded"

# A command that does not exist: exit 3 and nothing stored.
before=$(runs_in_db)
run_farm perf:build --runs 2 -- no-such-command-farm-test
expect_rc 3 "a missing command exits 3"
expect_contains "$ERR" "command not found" "a missing command is explained"
expect_eq "$(runs_in_db)" "$before" "nothing stored for a missing command"

# --no-record stores nothing; --name sets the subject.
before=$(runs_in_db)
run_farm perf:build --runs 2 --no-record -- true
expect_rc 0 "--no-record"
expect_eq "$(runs_in_db)" "$before" "--no-record stores nothing"
run_farm perf:build --runs 2 --name my-subject --json -- true
expect_eq "$(json_get "$OUT" 'd["subject"]')" "my-subject" "--name sets the subject"

# --shell and --timeout.
run_farm perf:build --runs 2 --shell --json -- 'echo a | tr a b > shell-out'
expect_rc 0 "--shell"
expect_eq "$(cat shell-out)" "b" "--shell ran a pipeline"
run_farm perf:build --runs 1 --timeout 0.3 -- sleep 20
expect_rc 3 "a timed-out command exits 3"
expect_contains "$OUT" "timed out" "the timeout is reported"

# Secrets never reach the output or the database.
run_farm perf:build --runs 1 --json -- sh -c 'true' --token=hunter2secret
expect_not_contains "$OUT" "hunter2secret" "a token is not printed"
if grep -q hunter2secret "$FARM_DB" "$FARM_DB-wal" 2>/dev/null; then
    fail "a token reached the database"
else
    pass
fi

# Human output names what the numbers are (a command that holds memory for a few samples).
run_farm perf:build --runs 3 -- python3 -c 'import time; b = b"\x01" * (64 * 1024 * 1024); time.sleep(0.3)'
expect_contains "$OUT" "median" "the table has medians"
expect_contains "$OUT" "peak RSS (process tree)" "the table says which RSS is which"
expect_contains "$OUT" "recorded as run #" "the table says where it was stored"

finish
