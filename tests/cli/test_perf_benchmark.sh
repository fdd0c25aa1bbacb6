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
expect_contains "$OUT" "knee: not reached up to c=4 (" "knee line: a sleeping server scales to c=4"
expect_contains "$OUT" "█" "throughput chart"
expect_eq "$(runs_in_db)" "3" "one run per level"
expect_contains "$OUT" "TPOT med ms" "TPOT column"
expect_contains "$OUT" "ITL med ms" "ITL column"
# Each piece of advice once, however many levels it holds at.
advice=$(printf '%s\n' "$OUT" | sed -n '/^Advice:/,$p' | grep -v '^\s*$' | sort | uniq -d)
expect_eq "$advice" "" "no advice line repeated"

# Levels in numeric order, whatever the order written; perf:report lists them the same way and
# shows each AI run's requests/s, tokens/s and error rate, never the prompt index.
run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 16,2,4 \
    --requests 16
expect_rc 0 "sweep 16,2,4"
order=$(printf '%s\n' "$OUT" | grep -o '^│\? *c=[0-9]*' | grep -o 'c=[0-9]*' | head -3 | tr '\n' ' ')
expect_eq "$order" "c=2 c=4 c=16 " "levels listed in numeric order"
run_farm perf:report --kind ai
expect_rc 0 "perf:report --kind ai"
subjects=$(printf '%s\n' "$OUT" | grep -o 'chat_stream/c=[0-9]*' | tr '\n' ' ')
expect_eq "$subjects" "chat_stream/c=1 chat_stream/c=2 chat_stream/c=4 chat_stream/c=16 " "report subjects in numeric order"
# By default each subject's primary metric (TTFT); --metric all shows the derived series too.
expect_contains "$OUT" "time to first token" "TTFT, the primary metric, in the report"
expect_not_contains "$OUT" "requests/s" "only the primary metric by default"
expect_not_contains "$OUT" "prompt_index" "no prompt index in the report"
run_farm perf:report --kind ai --metric all
expect_rc 0 "perf:report --kind ai --metric all"
expect_contains "$OUT" "requests/s" "requests/s in the report"
expect_contains "$OUT" "output tokens/s" "tokens/s in the report"
expect_contains "$OUT" "error rate" "error rate in the report"
expect_not_contains "$OUT" "prompt_index" "no prompt index in the report (--metric all)"

run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 1,2,4 \
    --requests 8 --slo ttft=40ms --json --no-record
expect_rc 0 "sweep as JSON"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.benchmark/1" "schema"
expect_eq "$(json_get "$OUT" '[l["concurrency"] for l in d["sweeps"][0]["levels"]]')" "[1.0, 2.0, 4.0]" "levels"
expect_eq "$(json_get "$OUT" '[l["goodput"] for l in d["sweeps"][0]["levels"]]')" "[0.0, 0.0, 0.0]" "TTFT 50 ms misses a 40 ms SLO: goodput 0"
# Concurrency scales a server that sleeps (one thread per connection): throughput grows about 2x
# per level, so every level scales and the knee lies past the last one.
expect_eq "$(json_get "$OUT" 'd["sweeps"][0]["levels"][2]["result"]["request_throughput"] > 2 * d["sweeps"][0]["levels"][0]["result"]["request_throughput"]')" "True" "throughput grows with concurrency"
expect_eq "$(json_get "$OUT" '(d["sweeps"][0]["knee"]["concurrency"], d["sweeps"][0]["knee"]["beyond_range"])')" \
    "(4.0, True)" "every level scales: the knee is not reached up to c=4"

# A server whose throughput stops growing at a known concurrency: the mock generates at most 2
# answers at once (--max-concurrent 2) and queues the rest, as a server with a batch limit does.
# Each answer takes ~120 ms, so c=1 serves ~8 requests/s and c=2 ~16; c=4 and c=8 only queue
# longer. The knee is c=2, inside the range; the queueing shows as a TTFT that grows past it.
"$MOCK_LLM" --host 127.0.0.1 --port 0 --ttft-ms 100 --itl-ms 5 --chunks 4 --max-concurrent 2 \
    >"$WORK/slow.out" 2>&1 &
SLOW_PID=$!
trap 'kill $MOCK_PID $SLOW_PID 2>/dev/null; wait $MOCK_PID $SLOW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/slow.out" 2>/dev/null && break
    sleep 0.05
done
SLOW_URL="http://127.0.0.1:$(awk '/listening on/ {print $3}' "$WORK/slow.out")"
run_farm perf:benchmark --provider openai --url "$SLOW_URL" --model m --concurrency-levels 1,2,4,8 \
    --requests 8 --json --no-record
expect_rc 0 "sweep 1,2,4,8 against a server of 2 slots"
expect_eq "$(json_get "$OUT" '(d["sweeps"][0]["knee"]["concurrency"], d["sweeps"][0]["knee"]["index"], d["sweeps"][0]["knee"]["beyond_range"])')" \
    "(2.0, 1, False)" "the knee is where the server's throughput stops growing (c=2)"
# At c=8 the 8 requests queue in 4 waves of 2: median TTFT ~280 ms against ~100 ms at c=2.
expect_eq "$(json_get "$OUT" 'd["sweeps"][0]["levels"][3]["result"]["ttft_ms"]["median"] > 1.5 * d["sweeps"][0]["levels"][1]["result"]["ttft_ms"]["median"]')" \
    "True" "past the knee requests queue: TTFT at c=8 over 1.5x that at c=2"

run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 1,2 \
    --requests 4 --slo ttft=500ms,e2e=5s --json --no-record
expect_eq "$(json_get "$OUT" 'all(l["meeting_slo"] == 4 for l in d["sweeps"][0]["levels"])')" "True" "a loose SLO: every request meets it"

# Rates 5 and 20 (as text "20" sorts before "5"), 20 Poisson arrivals each. The achieved rate is
# request_throughput: 20 requests / (first sent -> last ended). Arrivals are seeded (seed 1, the
# same at every level), so each level runs the same 19 exponential gaps scaled by 1/rate; their
# sum is 27.08 mean gaps (farm's own seeded draws, ai/arrivals.hpp), so the schedule itself runs at
# 20 / 27.08 = 0.74x the target. The tolerance, 0.45x to 1.0x, leaves a slow sender 60% of the
# wall time (a sender that ignores the schedule is far above it, one at half the rate below); and
# the two levels' achieved rates must
# stand as 20 : 5 = 4 within 20% (the same gaps, scaled: only latency and sending delays differ).
run_farm perf:benchmark --provider openai --url "$URL" --model m --rates 5,20 --requests 20 --json --no-record
expect_rc 0 "rate sweep"
expect_eq "$(json_get "$OUT" 'd["mode"]')" "rate" "rate mode"
expect_eq "$(json_get "$OUT" '[l["rate"] for l in d["sweeps"][0]["levels"]]')" "[5.0, 20.0]" \
    "levels in numeric order"
for i in 0 1; do
    ratio=$(json_get "$OUT" "round(d['sweeps'][0]['levels'][$i]['result']['request_throughput'] / d['sweeps'][0]['levels'][$i]['rate'], 2)")
    if python3 -c "import sys; sys.exit(0 if 0.45 <= $ratio <= 1.0 else 1)"; then
        pass
    else
        fail "level $i: achieved rate / target = $ratio, expected 0.45 to 1.0 (0.74 scheduled)"
    fi
done
between=$(json_get "$OUT" 'round(d["sweeps"][0]["levels"][1]["result"]["request_throughput"] / d["sweeps"][0]["levels"][0]["result"]["request_throughput"], 2)')
if python3 -c "import sys; sys.exit(0 if 3.2 <= $between <= 4.8 else 1)"; then
    pass
else
    fail "achieved rates at 20/s and 5/s stand as $between, expected 4 +- 20%"
fi

for bad in "ttft=500" "ttft=fast" "speed=5ms" "ttft=5ms,ttft=6ms" "ttft"; do
    run_farm perf:benchmark --provider openai --url "$URL" --model m --slo "$bad"
    expect_rc 2 "--slo $bad"
    expect_contains "$ERR" "--slo" "the message names --slo ($bad)"
done
run_farm perf:benchmark --provider openai --url "$URL" --model m --concurrency-levels 2,4,2
expect_rc 2 "a level given twice"
expect_contains "$ERR" "twice" "each level once"

finish
