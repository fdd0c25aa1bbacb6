#!/usr/bin/env bash
# `farm perf:build --export FILE` writes hyperfine's formats, read here the way hyperfine's own
# scripts read them (sharkdp/hyperfine, scripts/advanced_statistics.py and plot_whisker.py:
# json.load(f)["results"], then per result "command", "times", "median"; plot_parametrized.py:
# "mean", "stddev", "parameters"), plus the keys of hyperfine 1.20's BenchmarkResult
# (src/benchmark/benchmark_result.rs). The numbers are checked against the times themselves.
source "$(dirname "$0")/lib.sh"

if ! grep -q -- '--export' <<<"$("$FARM" perf:build --help 2>/dev/null)"; then
    echo "$TEST_NAME: SKIPPED: this farm's perf:build has no --export yet"
    finish
    exit $?
fi

# Reads an export as a hyperfine script would; prints "ok" or what is wrong.
read_like_hyperfine_scripts() {
    python3 - "$1" <<'PY'
import json, statistics, sys
with open(sys.argv[1]) as f:
    results = json.load(f)["results"]
problems = []
keys = ["command", "mean", "stddev", "median", "user", "system", "min", "max", "times",
        "exit_codes"]
for b in results:
    for k in keys:
        if k not in b:
            problems.append(f"{b.get('command')}: no {k}")
    order = [k for k in b if k in keys]
    if order != keys:
        problems.append(f"keys out of hyperfine's order: {order}")
    ts = b["times"]
    ok = [t for t, c in zip(ts, b["exit_codes"]) if c == 0]
    if len(b["exit_codes"]) != len(ts):
        problems.append("one exit code per time")
    close = lambda a, e: a is not None and abs(a - e) <= 1e-9 * max(1.0, abs(e))
    if not close(b["mean"], statistics.mean(ok)):
        problems.append(f"mean {b['mean']} != {statistics.mean(ok)}")
    if not close(b["median"], statistics.median(ok)):
        problems.append("median")
    if not close(b["min"], min(ok)) or not close(b["max"], max(ok)):
        problems.append("min/max")
    if len(ok) > 1 and not close(b["stddev"], statistics.stdev(ok)):
        problems.append("stddev is not the sample standard deviation")
    if len(ok) == 1 and b["stddev"] is not None:
        problems.append("one run has a null stddev")
    if not all(isinstance(t, float) and 0 < t < 10 for t in ts):
        problems.append("times are not seconds")
    if "farm" not in b or "subject" not in b["farm"]:
        problems.append("farm's figures are missing")
print("ok" if not problems else "; ".join(problems))
PY
}

run_farm perf:build --no-record --runs 5 --export out.json --export out.csv --export out.md \
    -- sleep 0.01
expect_rc 0 "perf:build --export with --no-record"
expect_eq "$(read_like_hyperfine_scripts out.json)" "ok" "the JSON reads as hyperfine's"
expect_eq "$(head -1 out.csv)" "command,mean,stddev,median,user,system,min,max" "hyperfine's CSV header"
expect_contains "$(cat out.md)" "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |" "hyperfine's Markdown header"
expect_eq "$(json_get "$(cat out.json)" 'len(d["results"][0]["times"])')" "5" "five times"

# Two commands and a parameter list, recorded: one result each, parameters as hyperfine's.
run_farm perf:build --runs 3 --parameter-list t 0.01,0.02 -c 'sleep {t}' --export two.json
expect_rc 0 "a parameter list exported"
expect_eq "$(read_like_hyperfine_scripts two.json)" "ok" "both results read as hyperfine's"
expect_eq "$(json_get "$(cat two.json)" '[r["parameters"]["t"] for r in d["results"]]')" "['0.01', '0.02']" "parameters per result"
expect_eq "$(json_get "$(cat two.json)" 'len({r["farm"]["batch_id"] for r in d["results"]})')" "1" "one batch"

# A failing command: its time is in "times" with its exit code, not in the statistics.
run_farm perf:build --no-record --runs 3 -i --export fail.json -- sh -c 'exit 3'
expect_eq "$(json_get "$(cat fail.json)" 'd["results"][0]["exit_codes"]')" "[3, 3, 3]" "exit codes kept"

# A measurement is never lost: a lock held past the busy timeout, then a full disk.
"$FARM" perf:build --db "$WORK/locked.db" --runs 1 -- true >/dev/null || fail "a first run"
python3 -c 'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("begin exclusive"); print("locked", flush=True); time.sleep(30)' "$WORK/locked.db" >lock.out &
holder=$!
for _ in $(seq 50); do grep -q locked lock.out 2>/dev/null && break; sleep 0.1; done
FARM_DB_BUSY_TIMEOUT_MS=200 run_farm perf:build --db "$WORK/locked.db" --runs 2 -- true
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_rc 2 "a locked database exits 2"
expect_contains "$ERR" "locked.db" "the error names the database"
kept=$(ls "$WORK"/locked.db.unsaved-*.json 2>/dev/null | head -1)
if [[ -n "$kept" ]]; then pass; else fail "no unsaved file beside the database: $ERR"; fi
expect_contains "$ERR" "$kept" "the error names the unsaved file"
before=$(runs_in_db)
run_farm perf:report --import "$kept"
expect_rc 0 "the unsaved file imports"
expect_eq "$(runs_in_db)" "$((before + 1))" "the kept run is in the history"

mkdir -p full
if mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then
    TMPDIR="$WORK" run_farm perf:build --db full/perf.db --runs 2000 --json -- true
    umount full
    expect_rc 2 "a full disk exits 2"
    # 2000 runs make a document too long for one argument: read it from the file.
    out_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$WORK/.out" "$1"; }
    expect_eq "$(out_get 'd["recorded"]')" "False" "--json says recorded: false"
    unsaved=$(out_get 'd["unsaved_file"]')
    expect_contains "$unsaved" "$WORK/farm-unsaved-" "kept in TMPDIR when the folder is full"
    run_farm perf:report --import "$unsaved"
    expect_rc 0 "the file kept in TMPDIR imports"
else
    echo "$TEST_NAME: full-disk case SKIPPED: cannot mount a tmpfs here (needs root)"
fi

finish
