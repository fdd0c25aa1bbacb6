#!/usr/bin/env bash
# farm perf:ai's open loop and transport, against farm_mock_llm (MOCK_LLM) on loopback:
# - rate mode at its max concurrency: requests keep their scheduled time, so the schedule lag is
#   positive, TTFT/E2E from the schedule are reported beside TTFT/E2E from the send, and farm
#   warns that the client fell behind;
# - --duration cuts the requests still running: cut_by_deadline, not errors (error_rate 0), the
#   rest not_started, both shown;
# - the default warm-up opens the connections the measured phase reuses (connect_ms only for
#   new connections); HTTP/1.1 is spoken and recorded;
# - an environment proxy on a dead port does not break a loopback run;
# - --ttft-timeout ends a stream whose head came at once but whose first token never does;
# - the open-file limit: raised to what the concurrency needs, or a clear error first;
# - --client-threads: several event loops share the concurrency, each request is sent and stored
#   once, the JSON says how many threads drove the run; a rate run refuses more than one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

r='d["results"][0]'

# --- rate mode with max concurrency reached: schedule lag and a warning ------------------------
# Two slots, each busy 50 ms per request; 20 arrivals at 200/s: most must wait for a slot. The
# bounds are structural, not timings: the 20 arrivals are scheduled within 135 ms (seed 1), the
# last can leave no earlier than nine rounds of 50 ms, so its lag is at least 315 ms; a slow
# machine only adds to it.
start_mock --ttft-ms 50 --chunks 2
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 20 --rate 200 \
    --max-concurrency 2 --warmup 0 --json --no-record
expect_rc 0 "rate mode at the cap"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"offered_rate\"]")" "200.0" "offered rate"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"schedule_lag_ms\"][\"max\"] > 100")" "True" \
    "requests waited for a slot: schedule lag > 0 (over 100 ms)"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"achieved_rate\"] < 200")" "True" \
    "achieved below offered"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"fell_behind\"]")" "True" "fell_behind"
expect_eq "$(json_get "$OUT" \
    "$r[\"load\"][\"e2e_from_schedule_ms\"][\"max\"] > $r[\"e2e_ms\"][\"max\"] + 100")" "True" \
    "E2E from the schedule includes the wait"
expect_contains "$ERR" "fell behind its schedule" "the warning"

run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 20 --rate 200 \
    --max-concurrency 2 --warmup 0 --no-record
expect_rc 0 "rate mode at the cap, text"
expect_contains "$OUT" "offered 200.00 req/s, achieved" "the rates in the text"
expect_contains "$OUT" "schedule lag med" "the lag in the text"
expect_contains "$ERR" "warning:" "the warning in the text mode"

# --- the deadline cuts running requests; they are not errors ------------------------------------
# Every second request stalls (head sent, nothing after): with two slots, two requests answer,
# then both slots hold stalled ones until --duration passes.
start_mock --fault stall --fault-every 2 --chunks 1
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 20 --concurrency 2 \
    --warmup 0 --duration 0.5 --json --no-record
expect_rc 0 "a run cut by its deadline is not a failure"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"cut_by_deadline\"]")" "2" "two cut by the deadline"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"not_started\"]")" "16" "sixteen not started"
expect_eq "$(json_get "$OUT" "$r[\"succeeded\"]")" "2" "two answered"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "no errors"
expect_eq "$(json_get "$OUT" "$r[\"error_rate\"]")" "0.0" "error rate 0"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 20 --concurrency 2 \
    --warmup 0 --duration 0.5 --no-record
expect_contains "$OUT" "2 cut by the deadline (not errors), 16 not started" "both shown"

# --- warm-up opens the connections; connect_ms; HTTP/1.1 ----------------------------------------
start_mock --chunks 1
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 8 --concurrency 4 \
    --json --no-record
expect_rc 0 "default warm-up"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"connect_ms\"]")" "None" \
    "the default warm-up (the concurrency) opened every connection before measuring"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"http_versions\"]")" "{'1.1': 8}" "HTTP/1.1"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 8 --concurrency 4 \
    --warmup 0 --json --no-record
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"connect_ms\"][\"count\"]")" "4" \
    "without warm-up the measured requests open them: connect_ms of 4"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 2 --warmup 0
expect_eq "$(python3 -c 'import json,sqlite3,sys; print(json.loads(sqlite3.connect(sys.argv[1]).execute("select project from runs order by id desc").fetchone()[0]).get("http_version"))' "$FARM_DB" 2>&1)" \
    "1.1" "the HTTP version is stored with the run"

# --- several event loops ------------------------------------------------------------------------
# Two loops of 3 streams each (--client-threads 2 at concurrency 6): the default warm-up (6, 3 a
# loop) opens every loop's connections, and each of the 40 requests is stored once (the history's
# iteration indices are exactly 0..39).
start_mock --ttft-ms 5 --chunks 2
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --concurrency 6 \
    --client-threads 2 --json
expect_rc 0 "two event loops"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"client_threads\"]")" "2" "two threads drove it"
expect_eq "$(json_get "$OUT" "$r[\"succeeded\"]")" "40" "every request answered"
expect_eq "$(json_get "$OUT" "$r[\"load\"][\"connect_ms\"]")" "None" \
    "each loop's warm-up opened its own connections"
expect_eq "$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute("select max(id) from runs").fetchone()[0]; print([i for (i,) in c.execute("select idx from iterations where run_id=? order by idx", (r,))] == list(range(40)))' "$FARM_DB")" \
    "True" "each request stored once, indices 0..39"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 40 --concurrency 6 \
    --client-threads 2 --no-record
expect_contains "$OUT" "of a core over 2 threads" "the text says how many threads"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --rate 50 \
    --client-threads 2 --no-record
expect_rc 2 "a rate run keeps one schedule on one thread"
expect_contains "$ERR" "needs a fixed concurrency" "says why"

# --- an environment proxy does not catch loopback requests --------------------------------------
(
    export http_proxy=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
    unset no_proxy NO_PROXY
    run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --json --no-record
    echo "$RC" >"$WORK/rc.proxy"
    echo "$OUT" >"$WORK/out.proxy"
)
expect_eq "$(cat "$WORK/rc.proxy")" "0" "a dead proxy in the environment"
expect_eq "$(json_get "$(cat "$WORK/out.proxy")" "$r[\"succeeded\"]")" "4" \
    "every loopback request answered"

# --- --ttft-timeout: the head at once, the first token never -----------------------------------
start_mock --fault stall
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 2 --warmup 0 \
    --ttft-timeout 0.3 --json --no-record
expect_rc 3 "every request timed out"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"by_class\"]")" "{'timeout': 2}" "timeouts"
expect_contains "$(json_get "$OUT" "$r[\"errors\"][\"first_message\"][\"timeout\"]")" \
    "no content token from" "the first-token wait, not the first byte"

# --- the open-file limit ----------------------------------------------------------------------
start_mock --chunks 1
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -ge 400 ]]; then
    # A soft limit of 100 and 60 streams (+64 spare): farm raises it and runs.
    (ulimit -Sn 100 && run_farm perf:ai --provider openai --url "$MOCK_URL" --model m \
        --requests 60 --concurrency 60 --warmup 0 --json --no-record &&
        echo "$RC" >"$WORK/rc.raise" && echo "$OUT" >"$WORK/out.raise")
    expect_eq "$(cat "$WORK/rc.raise")" "0" "the soft limit is raised"
    expect_eq "$(json_get "$(cat "$WORK/out.raise")" "$r[\"succeeded\"]")" "60" "60 streams at once"
fi
# A hard limit of 100 and 200 streams: a clear error before anything is sent.
(ulimit -n 100 && run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 200 \
    --concurrency 200 --warmup 0 --no-record; echo "$RC" >"$WORK/rc.low"; echo "$ERR" >"$WORK/err.low")
expect_eq "$(cat "$WORK/rc.low")" "2" "too low a hard limit: a usage error"
expect_contains "$(cat "$WORK/err.low")" "open files" "says what is missing"
expect_contains "$(cat "$WORK/err.low")" "ulimit -Hn" "says how to see it"

finish
