#!/usr/bin/env bash
# farm perf:ai --export-requests FILE.jsonl against the mock server with jittered chunk gaps,
# multi-token chunks and vLLM's empty EOS chunk: check_ai_export.py, which recomputes TTFT, TPOT,
# ITL, E2E, throughput and goodput from the export with the serving benchmarks' definitions,
# agrees with farm's --json summary within 0.5%; it disagrees with an export whose end markers
# were moved (so it can fail); the export holds no key; the summary block is vLLM's layout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

CHECK="$(dirname "$0")/check_ai_export.py"
SECRET="farmtestkey-$RANDOM$RANDOM-zz"
export FARM_TEST_KEY="$SECRET"
SLO="ttft=40,tpot=12,e2e=150"

# Gaps of 3..11 ms, 2 tokens per chunk, an EOS 25 ms after the last chunk, every 7th request a 500.
start_mock --ttft-ms 20 --itl-ms 3 --itl-jitter-ms 8 --chunks 8 --tokens-per-chunk 2 \
    --eos-ms 25 --fault http-500 --fault-every 7
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 21 --concurrency 3 \
    --warmup 0 --api-key-env FARM_TEST_KEY --slo "ttft=40ms,tpot=12ms,e2e=150ms" --json \
    --export-requests "$WORK/requests.jsonl"
expect_rc 1 "3 of 21 requests fail: above the error-rate line, exit 1"
printf '%s\n' "$OUT" >"$WORK/summary.json"
expect_eq "$(wc -l <"$WORK/requests.jsonl" | tr -d ' ')" "21" "one line per request"
r='d["results"][0]'
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "3" "3 failed requests"
expect_eq "$(json_get "$OUT" "$r[\"total_output_tokens\"]")" "306.0" "18 x (8 chunks x 2 + EOS) tokens"
expect_eq "$(json_get "$OUT" "sorted($r[\"percentiles\"][\"tpot_ms\"])")" "['p50', 'p90', 'p95', 'p99']" "default percentiles"

check=$(python3 "$CHECK" "$WORK/requests.jsonl" "$WORK/summary.json" --slo "$SLO" 2>&1)
rc=$?
expect_eq "$rc" "0" "the recomputed figures agree with farm's: $check"
expect_contains "$check" "tpot_ms.mean" "TPOT is checked"
expect_contains "$check" "goodput" "goodput is checked"

# The export: raw times, every chunk, tokens, errors; no key.
line=$(grep '"status":"ok"' "$WORK/requests.jsonl" | head -1)
for field in scheduled_ms sent_ms first_token_ms first_answer_ms end_marker_ms end_ms chunks \
    output_tokens input_tokens http_status error_class; do
    expect_contains "$line" "\"$field\":" "export field $field"
done
expect_eq "$(json_get "$line" 'len(d["chunks"])')" "8" "8 content chunks (the empty EOS chunk is none)"
expect_eq "$(json_get "$line" 'd["end_marker_ms"] - d["chunks"][-1]["at_ms"] >= 20')" "True" \
    "the end marker comes with the EOS, after the last chunk"
failure=$(grep '"status":"failed"' "$WORK/requests.jsonl" | head -1)
expect_eq "$(json_get "$failure" 'd["error_class"]')" "http_status" "a failed request's class"
expect_eq "$(json_get "$failure" 'd["http_status"]')" "500" "a failed request's status"
expect_contains "$(json_get "$failure" 'd["error"]')" "scripted internal error" "the server's words"
expect_not_contains "$(cat "$WORK/requests.jsonl")" "$SECRET" "no key in the export"

# The checker can fail: E2E taken at the last chunk (the EOS left out) is another TPOT.
python3 - "$WORK/requests.jsonl" "$WORK/moved.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        r = json.loads(line)
        if r["chunks"]:
            r["end_marker_ms"] = r["chunks"][-1]["at_ms"]
        out.write(json.dumps(r) + "\n")
EOF
check=$(python3 "$CHECK" "$WORK/moved.jsonl" "$WORK/summary.json" --slo "$SLO" 2>&1)
expect_eq "$?" "1" "a moved end marker disagrees"
expect_contains "$check" "tpot_ms.mean" "... on TPOT"

# The human summary: vLLM's block, then farm's table.
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 7 --warmup 0 \
    --percentiles 50,99.9 --no-record
expect_contains "$OUT" "============ Serving Benchmark Result ============" "vLLM's title line"
expect_contains "$OUT" "Successful requests:                     6" "successful requests"
expect_contains "$OUT" "Failed requests:                         1" "failed requests"
expect_contains "$OUT" "Total generated tokens:                  102" "total generated tokens"
expect_contains "$OUT" "-----Time per Output Token (excl. 1st token)------" "TPOT header"
expect_contains "$OUT" "P99.9 ITL (ms):" "--percentiles"
expect_contains "$OUT" "Median TTFO (ms):" "TTFO"
expect_contains "$OUT" "Mean E2EL (ms):" "E2EL"

run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --percentiles 0,50 --no-record
expect_rc 2 "a percentile of 0 is refused"
expect_contains "$ERR" "--percentiles" "the error names the option"

finish
