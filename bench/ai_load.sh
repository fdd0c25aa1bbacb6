#!/usr/bin/env bash
# The AI load engine (net::StreamClient + ai::run_load) against the scripted mock server:
#   bench/ai_load.sh [build-dir]      (default build; needs farm_mock_llm and farm_bench_stream;
#                                      wrk, when installed, gives the raw request rate beside it)
# 1. requests/s at concurrency 32, streamed Ollama /api/generate, 4 chunks, no scripted delay;
# 2. memory over 100,000 requests (resident size after 10,000 and at the end);
# 1b. the same through `farm perf:ai` (the whole command: decoding, metrics, records);
# 3. TTFT accuracy: the mock sends the first chunk 20 ms after the request, the median measured
#    time to the first body byte minus 20 ms is what the client adds;
# 4. memory of the whole command: farm perf:ai's peak resident size at 1,000, 10,000 and 100,000
#    requests, without and with recording to the history (set FARM_BENCH_QUICK=1 to stop at
#    10,000), the resident size each second during the largest run, then perf:report's CSV and
#    JSON export of the largest recorded run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(realpath "${1:-$root/build}")"
mock="$build/tests/farm_mock_llm"
driver="$build/tests/farm_bench_stream"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start_mock() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    "$mock" --host 127.0.0.1 --port 0 "$@" >"$work/mock.out" &
    server_pid=$!
    for _ in $(seq 50); do
        grep -q "listening on" "$work/mock.out" 2>/dev/null && break
        sleep 0.1
    done
    port="$(awk '/listening on/ {print $3}' "$work/mock.out")"
    url="http://127.0.0.1:$port/api/generate"
}

echo "## 1. requests/s at concurrency 32 (mock: --ttft-ms 0 --itl-ms 0 --chunks 4)"
start_mock --ttft-ms 0 --itl-ms 0 --chunks 4
for run in 1 2 3; do
    "$driver" --url "$url" --requests 20000 --concurrency 32 --warmup 200
done
if command -v wrk >/dev/null; then
    cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"m","prompt":"hello"}'
wrk.headers["Content-Type"] = "application/json"
LUA
    echo "wrk, same server, same request, 32 connections, 2 threads, 10 s:"
    wrk -t2 -c32 -d10s -s "$work/post.lua" "$url" | grep -E "Requests/sec|Latency|requests in"
fi

echo
echo "## 1b. the whole command: farm perf:ai, same server, same request (decoding, metrics, records)"
farm="$build/farm"
base="${url%/api/generate}"
for run in 1 2 3; do
    /usr/bin/time -f "farm perf:ai: %e s wall, %M KiB max RSS" "$farm" perf:ai --provider ollama \
        --operation generate_stream --url "$base" --model m --requests 20000 --concurrency 32 \
        --warmup 200 --no-record --json 2>"$work/time.txt" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print("farm perf:ai requests/s %.0f, errors %d" % (r["request_throughput"], r["errors"]["count"]))'
    cat "$work/time.txt"
done

echo
echo "## 2. memory over 100,000 requests"
"$driver" --url "$url" --requests 100000 --concurrency 32

echo
echo "## 3. TTFT accuracy (mock: --ttft-ms 20), concurrency 32 and 1"
start_mock --ttft-ms 20 --itl-ms 0 --chunks 4
"$driver" --url "$url" --requests 2000 --concurrency 32 --warmup 32
"$driver" --url "$url" --requests 200 --concurrency 1 --warmup 5
"$build/farm" perf:ai --provider ollama --operation generate_stream --url "${url%/api/generate}" \
    --model m --requests 2000 --concurrency 32 --warmup 32 --no-record --json |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print("farm perf:ai median TTFT %.3f ms (scripted 20 ms)" % r["ttft_ms"]["median"])'

echo
echo "## 4. farm perf:ai peak memory against the number of requests (mock: --ttft-ms 0 --chunks 4)"
start_mock --ttft-ms 0 --itl-ms 0 --chunks 4
base="${url%/api/generate}"
counts="1000 10000 100000"
[ "${FARM_BENCH_QUICK:-0}" = 1 ] && counts="1000 10000"
for n in $counts; do
    for mode in no-record record; do
        rm -f "$work"/mem.db*
        store=(--no-record)
        [ "$mode" = record ] && store=(--db "$work/mem.db")
        /usr/bin/time -f "%M" -o "$work/rss.txt" "$farm" perf:ai --provider ollama \
            --operation generate_stream --url "$base" --model m --requests "$n" \
            --concurrency 32 "${store[@]}" --json >"$work/mem.json"
        python3 - "$work/mem.json" "$n" "$mode" "$(cat "$work/rss.txt")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%7s requests, %-9s: max RSS %6.1f MiB (%d ok, %d errors)" % (
    sys.argv[2], sys.argv[3], int(sys.argv[4]) / 1024, r["requests"] - r["errors"]["count"],
    r["errors"]["count"]))
PY
    done
done
# Resident size while a run goes on, once a second (the last reading may fall in the store).
echo "resident size during a $n-request recording run, each second (MiB):"
rm -f "$work"/flat.db*
"$farm" perf:ai --provider ollama --operation generate_stream --url "$base" --model m \
    --requests "$n" --concurrency 32 --db "$work/flat.db" >/dev/null 2>&1 &
farm_pid=$!
while kill -0 "$farm_pid" 2>/dev/null; do
    awk '/^VmRSS/ {printf "%.1f ", $2 / 1024}' "/proc/$farm_pid/status" 2>/dev/null || true
    sleep 1
done
wait "$farm_pid"
echo
# The history now holds the last recording run (the largest): export it whole.
for ext in csv json; do
    /usr/bin/time -f "perf:report --export .$ext of that run: %e s wall, %M KiB max RSS" \
        "$farm" perf:report --db "$work/mem.db" --kind ai --export "$work/export.$ext" 2>&1 |
        grep -v '^wrote'
    echo "  file: $(du -h "$work/export.$ext" | cut -f1)"
done
