#!/usr/bin/env bash
# farm perf:benchmark against the scripted mock server (MOCK_LLM): a sweep over concurrency
# levels gives a table, a chart, a knee line, one stored run per level, and goodput under SLOs.
source "$(dirname "$0")/lib.sh"
: "${MOCK_LLM:?MOCK_LLM must point to the built farm_mock_llm}"

"$MOCK_LLM" --host 127.0.0.1 --port 0 --ttft-ms 50 --itl-ms 5 --chunks 4 >"$WORK/mock.out" 2>&1 &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null; wait $MOCK_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/mock.out" 2>/dev/null && break
    sleep 0.05
done
URL="http://127.0.0.1:$(awk '/listening on/ {print $3}' "$WORK/mock.out")"

run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 1,2,4 \
    --requests 8 --slo ttft=40ms
expect_rc 0 "sweep 1,2,4"
expect_contains "$OUT" "c=1" "level c=1"
expect_contains "$OUT" "c=4" "level c=4"
expect_contains "$OUT" "goodput" "goodput column"
expect_contains "$OUT" "knee" "knee line"
expect_contains "$OUT" "█" "throughput chart"
expect_eq "$(runs_in_db)" "3" "one run per level"

run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 1,2,4 \
    --requests 8 --slo ttft=40ms --json --no-record
expect_rc 0 "sweep as JSON"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.benchmark/1" "schema"
expect_eq "$(json_get "$OUT" '[l["concurrency"] for l in d["sweeps"][0]["levels"]]')" "[1.0, 2.0, 4.0]" "levels"
expect_eq "$(json_get "$OUT" '[l["goodput"] for l in d["sweeps"][0]["levels"]]')" "[0.0, 0.0, 0.0]" "TTFT 50 ms misses a 40 ms SLO: goodput 0"
expect_eq "$(json_get "$OUT" 'd["sweeps"][0]["knee"] is not None')" "True" "a knee"
# Concurrency scales a server that sleeps: throughput grows about 2x per level.
expect_eq "$(json_get "$OUT" 'd["sweeps"][0]["levels"][2]["result"]["request_throughput"] > 2 * d["sweeps"][0]["levels"][0]["result"]["request_throughput"]')" "True" "throughput grows with concurrency"

run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 1,2 \
    --requests 4 --slo ttft=500ms,e2e=5s --json --no-record
expect_eq "$(json_get "$OUT" 'all(l["meeting_slo"] == 4 for l in d["sweeps"][0]["levels"])')" "True" "a loose SLO: every request meets it"

run_farm perf:benchmark --provider openai --url "$URL" --model m --rates 5,10 --requests 5 --json --no-record
expect_rc 0 "rate sweep"
expect_eq "$(json_get "$OUT" 'd["mode"]')" "rate" "rate mode"

for bad in "ttft=500" "ttft=fast" "speed=5ms" "ttft=5ms,ttft=6ms" "ttft"; do
    run_farm perf:benchmark --provider openai --url "$URL" --model m --slo "$bad"
    expect_rc 2 "--slo $bad"
    expect_contains "$ERR" "--slo" "the message names --slo ($bad)"
done
run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 4,2
expect_rc 2 "decreasing levels"
expect_contains "$ERR" "increase" "levels must increase"

finish
