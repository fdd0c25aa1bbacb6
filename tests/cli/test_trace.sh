#!/usr/bin/env bash
# --trace FILE: perf:build (commands and a pnpm project), perf:ai (against the mock server) and
# perf:dev (the example dev server) write Chrome trace-event JSON that check_trace.py, written
# from the format's definition, accepts; a FILE in a missing folder is refused before anything
# runs; --no-record still writes it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dev_example.sh"
source "$(dirname "$0")/mock_llm.sh"

: "${FARM_SOURCE_DIR:?FARM_SOURCE_DIR must point to the source tree}"
check() { python3 "$(dirname "$0")/check_trace.py" "$@"; }
# expect_trace WHAT FILE CHECK-OPTIONS...: the checker accepts FILE.
expect_trace() {
    local what="$1"
    shift
    local said
    if said=$(check "$@" 2>&1); then pass; else fail "$what: $said"; fi
}

# --- the checker itself fails on what breaks the format -------------------------------------
cat >good.json <<'JSON'
{"traceEvents": [
 {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "slot 1"}},
 {"ph": "X", "name": "request 0", "cat": "request", "pid": 1, "tid": 1, "ts": 0, "dur": 10,
  "args": {"request": 0}},
 {"ph": "i", "name": "first token", "cat": "request", "pid": 1, "tid": 1, "ts": 4, "s": "t",
  "args": {"request": 0}},
 {"ph": "C", "name": "tree RSS", "pid": 1, "tid": 0, "ts": 5, "args": {"MiB": 3}}],
 "displayTimeUnit": "ms"}
JSON
expect_trace "a hand-written good trace" good.json --requests 1 --counter "tree RSS"
# mutate NAME PYTHON: good.json changed by PYTHON (d is the document) into NAME.json
mutate() {
    python3 -c 'import json,sys; d=json.load(open("good.json")); exec(sys.argv[2]); json.dump(d, open(sys.argv[1] + ".json", "w"))' "$1" "$2"
}
mutate neg_dur 'd["traceEvents"][1]["dur"] = -1'
mutate text_counter 'd["traceEvents"][3]["args"]["MiB"] = "3"'
mutate late_token 'd["traceEvents"][2]["ts"] = 11; d["traceEvents"][3]["ts"] = 12'
mutate no_ts 'del d["traceEvents"][1]["ts"]'
mutate back_in_time 'd["traceEvents"][3]["ts"] = 1'
mutate overlap 'd["traceEvents"].insert(2, {"ph": "X", "name": "request 1", "cat": "request", "pid": 1, "tid": 1, "ts": 2, "dur": 10, "args": {"request": 1}})'
for bad in neg_dur text_counter late_token no_ts back_in_time overlap; do
    if check "$bad.json" --requests 1 >/dev/null; then fail "the checker accepts $bad"; else pass; fi
done
if check good.json --requests 2 >/dev/null; then fail "the checker misses a request"; else pass; fi

# --- refused before anything runs ---------------------------------------------------------
run_farm perf:build --runs 1 --trace "$WORK/missing/t.json" -- touch ran
expect_rc 2 "a trace in a missing folder"
expect_contains "$ERR" "does not exist" "the message says the folder is missing"
[[ -e ran ]] && fail "the command ran before the trace path was refused" || pass

# --- perf:build, commands ---------------------------------------------------------------------
run_farm perf:build --runs 3 --no-record --trace build.json -- sleep 0.05
expect_rc 0 "perf:build --trace"
expect_trace "perf:build trace" build.json --runs 3 --span "sleep 0.05 #3" \
    --counter "tree RSS" --counter "tree CPU" --track "sleep 0.05"
expect_eq "$(runs_in_db)" "0" "--no-record: nothing stored"
run_farm perf:build --runs 2 --no-record --trace two.json -c "sleep 0.02" -c "sleep 0.03"
expect_rc 0 "two commands"
expect_trace "two commands, a track each" two.json --runs 4 --track "sleep 0.02" \
    --track "sleep 0.03"

# --- perf:build, a pnpm project (the example workspace, pnpm 9) --------------------------------
export npm_config_store_dir="$WORK/store" pnpm_config_store_dir="$WORK/store"
if pnpm_bin=$("$FARM_SOURCE_DIR/scripts/ensure-pnpm.sh" 9); then
    cp -r "$FARM_SOURCE_DIR/examples/workspace" ws
    rm -rf ws/node_modules ws/packages/*/node_modules ws/packages/*/dist ws/.farm
    run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-record --trace project.json ws
    expect_rc 0 "perf:build of a pnpm project --trace"
    expect_trace "pnpm project trace" project.json --runs 1 --span "build @example/web #1" \
        --span "link (importing)" --track "pnpm install" --track "pnpm link" \
        --track "package builds" --counter "tree RSS"
else
    fail "pnpm 9 could not be installed"
fi

# --- perf:ai against the mock -----------------------------------------------------------------
start_mock --ttft-ms 20 --itl-ms 5 --chunks 4
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 12 --concurrency 3 \
    --warmup 1 --no-record --trace ai.json
expect_rc 0 "perf:ai --trace"
expect_trace "perf:ai trace" ai.json --requests 12 --track "slot 1"
slots=$(python3 -c 'import json,sys; print(len({(e["pid"], e["tid"]) for e in json.load(open(sys.argv[1]))["traceEvents"] if e["ph"] == "X"}))' ai.json)
expect_eq "$((slots >= 1 && slots <= 3))" "1" "at most 3 slots at concurrency 3 (got $slots)"
# GPU counters from the fake NVML library built with the tests.
fake_nvml="$(dirname "$FARM")/tests/libfake_nvml.so"
FARM_NVML_LIBRARY="$fake_nvml" FAKE_NVML_UTIL=37 run_farm perf:ai --provider openai \
    --url "$MOCK_URL" --model m --requests 4 --no-record --trace gpu.json
expect_rc 0 "perf:ai --trace with a GPU"
expect_trace "GPU counters" gpu.json --requests 4 --counter "GPU 0 utilization" \
    --counter "GPU 0 memory used" --counter "GPU 0 power"
run_farm perf:benchmark --provider openai --url "$MOCK_URL" --model m --concurrency-levels 1,2 \
    --requests 4 --no-record --trace sweep.json
expect_rc 0 "perf:benchmark --trace"
expect_trace "perf:benchmark trace: a process per level" sweep.json --requests 4 --benchmarks 2
start_mock --fault http-500 --fault-every 2 --chunks 3
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --no-record \
    --trace failed.json
expect_trace "failed requests are spans without a first token" failed.json --requests 4
expect_contains "$(cat failed.json)" '"http_status":500' "the status is in args"

# --- perf:dev on the example dev server -------------------------------------------------------
dev_example_app app 100
run_farm perf:dev app --runs 2 --reloads 2 --duration 0.2 --no-record --trace dev.json
expect_rc 0 "perf:dev --trace"
expect_trace "perf:dev trace" dev.json --span "start-up #2" --span "spawn -> first output" \
    --span "-> ready" --span "reload #2" --track "web start-up" --track "web reloads"

finish
