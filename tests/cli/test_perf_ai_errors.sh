#!/usr/bin/env bash
# farm perf:ai never hides errors, and counts reasoning as tokens: against farm_mock_llm (MOCK_LLM)
# - 8 of 40 requests answered HTTP 429: error_rate 0.2 in the JSON, the table and perf:report
#   (a rate of the counts, not the median of per-request flags, which reads 0), verdict
#   "failing" above ai.thresholds.error_rate (0.05 by default) and exit 1; optimize:ai advises
#   on rate limits; a config line of 0.25 lets the same run pass; a run whose every request
#   failed is a failed run, told in requests by perf:report;
# - a reasoning model's stream (delta.reasoning, the older delta.reasoning_content, Ollama's
#   thinking): TTFT at the first thinking token, TTFO at the first answer token, reasoning
#   tokens from usage.completion_tokens_details; a run that only thinks is a success without
#   TTFO; tool calls are output.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

r='d["results"][0]'

# --- 8 of 40 requests: HTTP 429 with Retry-After ----------------------------------------------
start_mock --fault http-429 --fault-every 5 --chunks 3
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --warmup 0 --json
expect_rc 1 "error rate 0.2 is above 0.05: a failed check"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "8" "8 failed"
expect_eq "$(json_get "$OUT" "$r[\"error_rate\"]")" "0.2" "error_rate 0.2 in the JSON"
expect_eq "$(json_get "$OUT" "$r[\"error_rate_max\"]")" "0.05" "the line it was judged against"
expect_eq "$(json_get "$OUT" "$r[\"verdict\"]")" "failing" "verdict failing"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"by_status\"]")" "{'429': 8}" "errors by HTTP status"
expect_contains "$ERR" "error rate 0.2 is above 0.05" "says why it exits 1"

run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --warmup 0 --no-record
expect_rc 1 "the text mode exits 1 too"
expect_contains "$OUT" "error rate 0.2 (8 of 40 requests failed" "the rate in the text"
expect_contains "$OUT" "failing" "the verdict in the table"
expect_contains "$OUT" "HTTP 429" "the first message of the class"

# Every metric (the default is each subject's primary one, TTFT): the rate, never the flags.
run_farm perf:report --kind ai --metric all
expect_rc 0 "perf:report --kind ai --metric all"
expect_contains "$OUT" "error rate (failed / sent)" "perf:report shows the rate"
expect_contains "$OUT" "0.20" "perf:report: 0.20, not the median of the flags (0)"
expect_not_contains "$OUT" "failed requests" "no median of 0/1 flags"

run_farm perf --json
expect_rc 0 "the dashboard"
expect_eq "$(json_get "$OUT" '[s["error_rate"] for s in d["latest"] if s["kind"] == "ai"]')" "[0.2]" "the dashboard's error rate"

run_farm optimize:ai
expect_contains "$OUT" "HTTP 429" "advice names the rate limit"
expect_contains "$OUT" "Retry-After" "advice: back off as the server asks"

cat >farm.config.json <<'JSON'
{"ai": {"thresholds": {"error_rate": 0.25}}}
JSON
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --warmup 0 --json \
    --no-record --config farm.config.json
expect_rc 0 "ai.thresholds.error_rate 0.25: 0.2 passes"
expect_eq "$(json_get "$OUT" "$r[\"error_rate_max\"]")" "0.25" "the configured line"
expect_not_contains "$(json_get "$OUT" "$r[\"verdict\"]")" "failing" "not failing under the line"
echo '{"ai": {"thresholds": {"error_rate": 2}}}' >farm.config.json
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 1 --config farm.config.json
expect_rc 2 "an error rate above 1 is refused"
expect_contains "$ERR" "ai.thresholds.error_rate" "the path of the bad value"
rm farm.config.json

# --- every request fails: a failed run, told in requests (its iterations are requests) --------
stop_mocks; MOCK_PIDS=()
start_mock --fault http-500 --fault-every 1 --chunks 2
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 10 --warmup 0
expect_rc 3 "every request failed"
expect_not_contains "$ERR" "the client, not the server, may be the limit" \
    "no verdict on the client from the 2 ms that ten failures take"
run_farm perf:report --kind ai
expect_contains "$OUT" "10 of 10 requests failed" "perf:report gives the failed run's reason in requests"
expect_not_contains "$OUT" "exit code 1 in run" "not as a command's exit code"

# --- reasoning streams ------------------------------------------------------------------------
# 3 thinking chunks, then 2 answer chunks, 20 ms apart: TTFT at the first thinking chunk, TTFO
# 40 ms later at the first answer chunk (order, not timing, is asserted).
for field in reasoning reasoning_content; do
    stop_mocks; MOCK_PIDS=()
    start_mock --reasoning-chunks 3 --reasoning-field "$field" --chunks 2 --itl-ms 20
    run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --json --no-record
    expect_rc 0 "delta.$field: a success"
    expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "delta.$field: no error ($ERR)"
    expect_eq "$(json_get "$OUT" "$r[\"ttft_ms\"][\"median\"] < $r[\"ttfo_ms\"][\"median\"]")" "True" "delta.$field: TTFT before TTFO"
    expect_eq "$(json_get "$OUT" "$r[\"reasoning_tokens\"][\"median\"]")" "3.0" "delta.$field: reasoning tokens from usage"
    expect_eq "$(json_get "$OUT" "$r[\"output_tokens\"][\"median\"]")" "5.0" "delta.$field: reasoning counts in output tokens"
done

stop_mocks; MOCK_PIDS=()
start_mock --reasoning-chunks 4 --chunks 0
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --json --no-record \
    --export-requests "$WORK/thinking.csv"
expect_rc 0 "a run that only thinks is a success"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "only thinking: no error ($ERR)"
expect_eq "$(json_get "$OUT" "$r[\"ttft_ms\"] is not None")" "True" "only thinking: TTFT measured"
expect_eq "$(json_get "$OUT" "$r[\"ttfo_ms\"]")" "None" "only thinking: no TTFO (null)"
expect_eq "$(json_get "$OUT" "$r[\"reasoning_tokens\"][\"median\"]")" "4.0" "only thinking: 4 reasoning tokens"
expect_contains "$(head -1 "$WORK/thinking.csv")" "ttfo_ms,reasoning_tokens" "CSV columns"

run_farm perf:ai --provider ollama --url "$MOCK_URL" --model m --requests 2 --json --no-record
expect_rc 0 "Ollama thinking, only thinking: a success"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "Ollama thinking: no error ($ERR)"

stop_mocks; MOCK_PIDS=()
start_mock --reasoning-chunks 2 --chunks 2 --itl-ms 20
run_farm perf:ai --provider ollama --url "$MOCK_URL" --model m --requests 2 --json --no-record
expect_eq "$(json_get "$OUT" "$r[\"ttft_ms\"][\"median\"] < $r[\"ttfo_ms\"][\"median\"]")" "True" "Ollama: TTFT (thinking) before TTFO"

# --- tool calls are output --------------------------------------------------------------------
stop_mocks; MOCK_PIDS=()
start_mock --tool-calls on --chunks 3
for provider in openai ollama; do
    run_farm perf:ai --provider "$provider" --url "$MOCK_URL" --model m --requests 2 --json --no-record
    expect_rc 0 "$provider tool calls: a success"
    expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "$provider tool calls: no error ($ERR)"
    expect_eq "$(json_get "$OUT" "$r[\"ttfo_ms\"][\"median\"] == $r[\"ttft_ms\"][\"median\"]")" "True" "$provider: a tool call is the first output"
done

# --- memory bounds: a 4 MiB line, an endless stream -------------------------------------------
stop_mocks; MOCK_PIDS=()
start_mock --fault huge-line --chunks 4
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 2 --warmup 0 --json --no-record
expect_rc 3 "every answer has a line over 1 MiB"
expect_eq "$(json_get "$OUT" "list($r[\"errors\"][\"by_class\"])")" "['response_too_large']" "a 4 MiB line: response_too_large"
expect_contains "$(json_get "$OUT" "$r[\"errors\"][\"first_message\"][\"response_too_large\"]")" "a line longer than 1048576 bytes" "the message says which limit"

stop_mocks; MOCK_PIDS=()
start_mock --fault endless --fault-every 2 --chunks 2
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --warmup 0 --json --no-record \
    --max-response-bytes 256KiB
expect_rc 1 "half the streams never end: they end as response_too_large, not as a hang"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"by_class\"]")" "{'response_too_large': 2}" "an endless stream: response_too_large"
expect_contains "$(json_get "$OUT" "$r[\"errors\"][\"first_message\"][\"response_too_large\"]")" "passed 262144 bytes" "the limit given"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 1 --max-response-bytes 12
expect_rc 2 "a limit under 1 KiB is refused"

finish
