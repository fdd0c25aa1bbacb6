#!/usr/bin/env bash
# optimize:build and optimize:ai end to end: the hint on an empty history, valid JSON, a slow
# build history (brought in through --import of hyperfine JSON) named HIGH slow_build, --since,
# and usage errors.
source "$(dirname "$0")/lib.sh"

# hyperfine_json FILE MEDIAN_S N: a hyperfine --export-json file with N times around MEDIAN_S.
hyperfine_json() {
    python3 - "$@" <<'PY'
import json, sys
path, median, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
times = [median + 0.01 * (i - n // 2) for i in range(n)]
json.dump({"results": [{"command": "pnpm run build", "mean": sum(times) / n, "times": times,
                        "exit_codes": [0] * n}]}, open(path, "w"))
PY
}

# No history at all: the command to run first, exit 0.
run_farm optimize:build
expect_rc 0 "no history"
expect_contains "$OUT" "farm perf:build" "says which command to run first"
run_farm optimize:ai
expect_rc 0 "no AI history"
expect_contains "$OUT" "farm perf:ai" "says which command to run first"
run_farm optimize:build --json
expect_rc 0 "no history, --json"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.advice/1" "schema"
expect_eq "$(json_get "$OUT" 'd["recommendations"]')" "[]" "no recommendations"
expect_contains "$(json_get "$OUT" 'd["hint"]')" "farm perf:build" "the hint in JSON"

# A quick command: history, but nothing to advise.
run_farm perf:build --runs 3 --name build:quick -- sleep 0.01
expect_rc 0 "a quick build is recorded"
run_farm optimize:build
expect_rc 0 "nothing to advise"
expect_contains "$OUT" "nothing to advise" "says so"
run_farm optimize:ai
expect_contains "$OUT" "farm perf:ai" "build runs are no AI history"

# A slow build (18 s) and a very slow one (40 s), imported.
hyperfine_json web.json 18 5
run_farm perf:report --import web.json --subject build:@shop/web
expect_rc 0 "import of the 18 s build"
hyperfine_json api.json 40 5
run_farm perf:report --import api.json --subject build:@shop/api
expect_rc 0 "import of the 40 s build"

run_farm optimize:build
expect_rc 0 "advice is not a failure"
first=$(head -n 1 <<<"$OUT")
expect_contains "$first" "HIGH" "the 40 s build comes first, HIGH"
expect_contains "$first" "build:@shop/api" "the 40 s build comes first"
expect_contains "$OUT" "MEDIUM  build:@shop/web" "the 18 s build is MEDIUM"
expect_contains "$OUT" "-> " "an action"
expect_contains "$OUT" "evidence: run" "the evidence"
expect_not_contains "$OUT" "build:quick" "the quick build says nothing"

run_farm optimize:build --json
expect_rc 0 "--json"
expect_eq "$(json_get "$OUT" 'd["recommendations"][0]["priority"]')" "HIGH" "JSON priority"
expect_eq "$(json_get "$OUT" 'd["recommendations"][0]["rule"]')" "slow_build" "JSON rule"
expect_eq "$(json_get "$OUT" 'd["recommendations"][0]["area"]')" "build" "JSON area"
expect_eq "$(json_get "$OUT" 'len(d["recommendations"][0]["evidence_runs"])')" "1" "JSON evidence"
expect_eq "$(json_get "$OUT" '"hint" in d')" "False" "no hint with history"

# --since: the future holds no runs; a date and an age both parse.
run_farm optimize:build --since 2999-01-01
expect_rc 0 "--since a date"
expect_contains "$OUT" "within --since" "the window is empty"
run_farm optimize:build --since 1d --json
expect_eq "$(json_get "$OUT" 'len(d["recommendations"])')" "2" "--since 1d keeps today's runs"
run_farm optimize:build --since yesterday
expect_rc 2 "a bad --since"
expect_contains "$ERR" "2026-11-01" "the message shows the accepted forms"
run_farm optimize:build --since 2026-02-30
expect_rc 2 "a date that does not exist"
# A 100,000-digit fraction (std::regex recursed per digit: farm crashed with SIGSEGV).
run_farm optimize:build --since "2026-01-01T00:00:00.$(python3 -c 'print("1" * 100000)')"
expect_rc 2 "a --since of 100,000 characters"
expect_contains "$ERR" "2026-01-01T00:00:00.11111111111111111111..." "the message quotes its start"

# The config's threshold is read; a bad config is a usage error.
echo '{"thresholds": {"build_slow_s": 50}}' >farm.config.json
run_farm optimize:build --json
expect_eq "$(json_get "$OUT" '[r["priority"] for r in d["recommendations"]]')" "['MEDIUM', 'MEDIUM']" \
    "build_slow_s 50 makes the 40 s build MEDIUM"
echo '{"thresholds": {"build_memory_bytes": "lots"}}' >farm.config.json
run_farm optimize:build
expect_rc 2 "a bad config"
expect_contains "$ERR" "thresholds.build_memory_bytes" "names the key"
rm farm.config.json

run_farm optimize:build --db "$WORK/missing.db"
expect_rc 0 "a missing database"
expect_contains "$OUT" "missing.db" "names the database"

finish
