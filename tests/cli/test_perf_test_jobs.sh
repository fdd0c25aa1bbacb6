#!/usr/bin/env bash
# `farm perf:test` suites of kind dev and ai: the example dev server started, measured, judged and
# stopped (no process left); AI suites against the scripted mock server on loopback, with
# thresholds on latency statistics and on the error rate, --ai-providers over every configured
# provider, --load's bounded extra run, and a provider nobody answers for failing its suite alone.
source "$(dirname "$0")/lib.sh"
: "${FARM_SOURCE_DIR:?FARM_SOURCE_DIR must point to the source tree}"
source "$(dirname "$0")/mock_llm.sh"

junit_get() {
    python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(eval(sys.argv[2]))' "$1" "$2"
}
subjects_of_kind() {
    python3 -c 'import sqlite3,sys; print(",".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select subject from runs where kind=? order by subject", (sys.argv[2],))))' "$FARM_DB" "$1"
}

cp -r "$FARM_SOURCE_DIR/examples/devserver" app
cd app || exit 2
port=$(free_port_block 1)
start_mock --ttft-ms 20 --itl-ms 2 --chunks 6 && FAST=$MOCK_URL
start_mock --ttft-ms 300 --itl-ms 2 --chunks 3 && SLOW=$MOCK_URL
start_mock --ttft-ms 5 --chunks 3 --fault http-500 --fault-every 2 && FLAKY=$MOCK_URL
dead_port=$((port + 1))

# write_config SUITES-JSON
write_config() {
    cat >farm.config.json <<JSON
{ "dev": { "services": [
    { "name": "web", "command": "node server.js",
      "env": { "PORT": "$port", "STARTUP_MS": "150" },
      "ready": { "url": "http://127.0.0.1:$port/" },
      "reload": { "file": "src/message.txt", "edit": "append", "output": "^reloaded" } } ] },
  "ai": { "providers": [
    { "name": "fast", "type": "openai", "base_url": "$FAST", "model": "m" },
    { "name": "slow", "type": "openai", "base_url": "$SLOW", "model": "m" },
    { "name": "flaky", "type": "openai", "base_url": "$FLAKY", "model": "m" },
    { "name": "gone", "type": "openai", "base_url": "http://127.0.0.1:$dead_port", "model": "m",
      "timeouts": { "connect_s": 2, "total_s": 5 } } ] },
  "test": { "suites": $1 } }
JSON
}

# --- dev: start-up and reload measured and judged, nothing left running ----------------------
write_config '[
  {"name": "servers", "kind": "dev", "services": ["web"], "runs": 2, "reloads": 1,
   "duration_s": 0.3, "timeout_s": 20,
   "thresholds": [{"subject": "startup:web", "metric": "startup_s", "min": 0.15, "max": 30},
                  {"subject": "reload:web", "metric": "reload_s", "max": 30}]}]'
original=$(cat src/message.txt)
run_farm perf:test --junit dev.xml
expect_rc 0 "a dev suite within its thresholds"
expect_contains "$OUT" "startup:web" "the table names the start-up subject"
expect_contains "$OUT" "reload:web" "the table names the reload subject"
expect_eq "$(junit_get dev.xml 'r.get("failures")')" "0" "JUnit: no failures"
expect_eq "$(junit_get dev.xml 'len(r.findall("testsuite/testcase"))')" "2" "JUnit: two cases"
expect_eq "$(subjects_of_kind dev)" "reload:web,startup:web" "recorded as kind dev"
expect_eq "$(cat src/message.txt)" "$original" "the reload edit was undone"
# Only this test's servers (their folder is in $WORK): other tests may run the example at once.
left=""
for pid in $(pgrep -f "node server.js"); do
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$WORK"* ]] && left+="$pid "
done
if [[ -n "$left" ]]; then fail "a dev server still runs: $left"; else pass; fi

write_config '[{"name": "servers", "kind": "dev", "runs": 1, "reloads": 0, "duration_s": 0.2,
   "thresholds": [{"subject": "startup:web", "metric": "startup_s", "max": 0.01}]}]'
run_farm perf:test --no-record
expect_rc 1 "a start-up over its threshold"
expect_contains "$OUT" "FAIL" "the table says FAIL"

# A port already taken: the dev suite fails with the reason, the other suites still run.
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$port" &
holder=$!
for _ in $(seq 50); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null && break; sleep 0.1; done
write_config '[{"name": "servers", "kind": "dev", "runs": 1, "reloads": 0},
  {"name": "quick", "kind": "build", "command": ["true"], "runs": 1}]'
run_farm perf:test --no-record --json
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
expect_rc 1 "a taken port fails the dev suite"
expect_eq "$(json_get "$OUT" '[s["status"] for s in d["suites"]]')" "['failed', 'passed']" "the other suite still ran"
expect_contains "$OUT" "$port" "says which port"

# --- ai: thresholds on TTFT statistics and the error rate -------------------------------------
write_config '[
  {"name": "chat", "kind": "ai", "providers": ["fast"], "requests": 6, "concurrency": 2,
   "thresholds": [{"metric": "ttft_ms", "stat": "p95", "max": 5000},
                  {"metric": "ttft_ms", "min": 20},
                  {"metric": "error_rate", "max": 0}]}]'
run_farm perf:test --junit ai.xml --json
expect_rc 0 "an AI suite within its thresholds"
expect_eq "$(json_get "$OUT" '[c["verdict"] for c in d["suites"][0]["checks"]]')" "['PASS', 'PASS', 'PASS']" "three checks pass"
expect_eq "$(json_get "$OUT" '[c["subject"] for c in d["suites"][0]["checks"]][0]')" "fast/m/chat_stream" "subject provider/model/operation"
expect_eq "$(json_get "$OUT" 'd["suites"][0]["checks"][0]["metric"]')" "ttft_ms p95" "the statistic is named"
expect_eq "$(json_get "$OUT" 'd["suites"][0]["checks"][2]["value"]')" "0.0" "no request failed"
expect_eq "$(junit_get ai.xml 'r.get("tests")')" "3" "JUnit: three cases"
expect_eq "$(subjects_of_kind ai)" "fast/m/chat_stream" "recorded as kind ai"

# --ai-providers: every configured provider; the slow one breaches the TTFT limit, the flaky one
# the error rate, the one nobody answers for fails its suite with the URL; --load adds a run.
write_config '[
  {"name": "chat", "kind": "ai", "requests": 4, "concurrency": 2, "warmup": 0,
   "load": {"requests": 12, "concurrency": 4, "duration_s": 30},
   "thresholds": [{"metric": "ttft_ms", "max": 200}, {"metric": "error_rate", "max": 0.1}]}]'
run_farm perf:test --ai-providers --load --no-record --json
expect_rc 1 "breaches across providers exit 1"
checks='d["suites"][0]["checks"]'
expect_eq "$(json_get "$OUT" "sorted({c[\"subject\"] for c in $checks})")" \
    "['fast/m/chat_stream', 'fast/m/chat_stream@load', 'flaky/m/chat_stream', 'flaky/m/chat_stream@load', 'gone/m/chat_stream', 'gone/m/chat_stream@load', 'slow/m/chat_stream', 'slow/m/chat_stream@load']" \
    "every provider, with and without --load"
expect_eq "$(json_get "$OUT" "[c[\"verdict\"] for c in $checks if c[\"subject\"] == \"fast/m/chat_stream\"]")" "['PASS', 'PASS']" "the fast provider passes"
expect_eq "$(json_get "$OUT" "[c[\"verdict\"] for c in $checks if c[\"subject\"] == \"slow/m/chat_stream\"]")" "['FAIL', 'PASS']" "the slow provider fails on TTFT"
expect_eq "$(json_get "$OUT" "[c[\"verdict\"] for c in $checks if c[\"subject\"] == \"flaky/m/chat_stream@load\"]")" "['PASS', 'FAIL']" "the flaky provider fails on errors"
expect_eq "$(json_get "$OUT" "[c[\"value\"] for c in $checks if c[\"subject\"] == \"flaky/m/chat_stream@load\"][1]")" "0.5" "every second request failed"
expect_contains "$OUT" "127.0.0.1:$dead_port" "the unreachable provider is named by URL"
expect_eq "$(json_get "$OUT" "[c[\"verdict\"] for c in $checks if c[\"subject\"] == \"gone/m/chat_stream\"]")" "['FAIL', 'FAIL']" "nothing measured from the unreachable provider fails"
expect_eq "$(json_get "$OUT" 'd["suites"][0]["status"]')" "failed" "the suite failed"

# The workload of perf:ai in a suite: input and output lengths and a seed; the workload is part
# of the subject, so thresholds and history never mix workloads. A bad length names the suite.
write_config '[{"name": "sized", "kind": "ai", "providers": ["fast"], "requests": 2, "warmup": 0,
  "input_len": 64, "output_len": "uniform:4:8", "seed": 7}]'
run_farm perf:test --json
expect_rc 0 "a suite with input_len, output_len and seed"
expect_eq "$(subjects_of_kind ai | grep -c ',fast/m/chat_stream/in=64,out=uniform:4:8,seed=7$')" "1" \
    "the workload is in the subject: $(subjects_of_kind ai)"
write_config '[{"name": "sized", "kind": "ai", "providers": ["fast"], "output_len": "uniform:8"}]'
run_farm perf:test --no-record
# A suite that cannot start fails on its own (exit 1), with the reason in its result.
expect_rc 1 "a malformed output_len fails its suite"
expect_contains "$OUT" "suite 'sized' output_len" "the error names the suite and key"
write_config '[{"name": "sized", "kind": "ai", "providers": ["fast"], "input_len": 0}]'
run_farm perf:test --no-record
expect_rc 2 "an input_len of 0"
expect_contains "$ERR" "test.suites[0].input_len" "says where"

# Without --ai-providers the first configured provider; a provider name nobody configured is a
# config error with its position.
write_config '[{"name": "chat", "kind": "ai", "requests": 2}]'
run_farm perf:test --no-record --json
expect_rc 0 "the first provider by default"
expect_eq "$(json_get "$OUT" 'd["suites"][0]["checks"]')" "[]" "no thresholds, no checks"
write_config '[{"name": "chat", "kind": "ai", "providers": ["fastt"]}]'
run_farm perf:test --no-record
expect_rc 2 "an unknown provider"
expect_contains "$ERR" "test.suites[0].providers[0]" "says where"
expect_contains "$ERR" "did you mean 'fast'" "suggests the closest"

finish
