#!/usr/bin/env bash
# farm perf:ai against the scripted mock server (farm_mock_llm, given in MOCK_LLM) on loopback:
# the measured metrics match the script, faults become error classes, results are stored, the
# API key never shows, and the three wire formats and three operations work. At the end, an
# integration run against @dwmkerr/mock-llm (npm), a server this project did not write.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

SECRET="farmtestkey-$RANDOM$RANDOM-zz"
export FARM_TEST_KEY="$SECRET"

# --- scripted timing: TTFT 50 ms, ITL 10 ms, 8 chunks, no usage: tokens from chunks ---------
start_mock --ttft-ms 50 --itl-ms 10 --chunks 8 --usage off
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 6 --warmup 1 \
    --api-key-env FARM_TEST_KEY --json --export-requests "$WORK/requests.csv"
expect_rc 0 "openai chat_stream against the mock"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.ai/1" "schema"
r='d["results"][0]'
expect_eq "$(json_get "$OUT" "$r[\"requests\"]")" "6" "requests"
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"count\"]")" "0" "no errors"
expect_eq "$(json_get "$OUT" "50 <= $r[\"ttft_ms\"][\"median\"] < 150")" "True" "median TTFT in [50,150)"
# The mock sleeps until each chunk's scheduled time, so single gaps jitter around 10 ms (one
# late chunk makes one gap long and the next short): the median may be a hair under 10.
expect_eq "$(json_get "$OUT" "5 <= $r[\"itl_ms\"][\"median\"] < 60")" "True" "median ITL in [5,60) (a loaded machine may deliver two chunks in one read)"
expect_eq "$(json_get "$OUT" "7 <= $r[\"itl_ms\"][\"mean\"] < 60")" "True" "mean ITL in [7,60)"
expect_eq "$(json_get "$OUT" "$r[\"output_tokens\"][\"median\"]")" "8.0" "8 tokens from 8 chunks"
expect_eq "$(json_get "$OUT" "$r[\"token_source\"]")" "chunks" "token source chunks"
for field in provider model operation requests errors ttft_ms itl_ms tpot_ms e2e_ms \
    output_tokens token_source request_throughput output_token_throughput run_id; do
    expect_eq "$(json_get "$OUT" "'$field' in $r")" "True" "JSON field $field"
done
for stat in mean median p90 p95 p99 stddev; do
    expect_eq "$(json_get "$OUT" "'$stat' in $r[\"e2e_ms\"]")" "True" "e2e_ms.$stat"
done
expect_eq "$(json_get "$OUT" "$r[\"errors\"][\"by_class\"]")" "{}" "errors.by_class"
# Six requests of 8 chunks 10 ms apart keep the client idle most of the time.
expect_eq "$(json_get "$OUT" "($r['load']['loop_lag_ms']['count'] > 0, 0 < $r['load']['loop_busy_pct'] < 80, $r['load']['client_cpu_pct'] >= 0, $r['load']['client_saturated'])")" \
    "(True, True, True, False)" "the client's own load in the JSON"
expect_eq "$(($(wc -l <"$WORK/requests.csv") - 1))" "6" "CSV has one row per request"
expect_contains "$(head -1 "$WORK/requests.csv")" "prompt_index,status,error_class,ttft_ms" "CSV header"
expect_eq "$(runs_in_db)" "1" "the run is in the history"

# --- usage on: the server's count wins ------------------------------------------------------
stop_mocks; MOCK_PIDS=()
start_mock --ttft-ms 0 --itl-ms 0 --chunks 5 --usage on
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --json
expect_eq "$(json_get "$OUT" 'd["results"][0]["token_source"]')" "server" "usage on: server tokens"
expect_eq "$(json_get "$OUT" 'd["results"][0]["output_tokens"]["median"]')" "5.0" "server count"

# --- the table --------------------------------------------------------------------------------
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 3 --no-record
expect_rc 0 "table run"
expect_contains "$OUT" "openai/m/chat_stream" "table row names the subject"
expect_contains "$OUT" "TTFT ms" "table header"
expect_contains "$OUT" "fast" "verdict against the openai thresholds"
expect_eq "$(grep -c '· client CPU [0-9]*% of a core, event loop busy [0-9]*%, loop lag p99 [0-9.]* max [0-9.]* ms' <<<"$OUT")" \
    "1" "the client's own load on the load line"
# The GPU line as a whole line: "GPU" alone would also match the no-telemetry case.
if ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1'; then
    expect_eq "$(grep -c '^GPU: ' <<<"$OUT")" "1" "GPU line with the driver's figures"
else
    expect_eq "$(grep -cx 'GPU telemetry: not available' <<<"$OUT")" "1" \
        "GPU line: no driver here, said exactly"
fi

# --- GPU telemetry with the fake NVML library (tests/support/fake_nvml.cpp) -------------------
# The driver's figures as scripted: 37% busy, 1 GiB of 24 GiB, 61 °C, 150 W, the power cap
# slowing the clocks; its energy counter grows at the scripted 150 W, so the energy over the run
# is 150 W x the run's wall time, and tokens per joule the run's output tokens over it.
if [[ -n "${FAKE_NVML:-}" ]]; then
    gpu_env=(env FARM_NVML_LIBRARY="$FAKE_NVML" FAKE_NVML_NAME="Scripted GPU" FAKE_NVML_UTIL=37
        FAKE_NVML_MEM_USED=1073741824 FAKE_NVML_MEM_TOTAL=25769803776 FAKE_NVML_MEM_RESERVED=536870912
        FAKE_NVML_TEMP=61 FAKE_NVML_POWER_MW=150000 FAKE_NVML_REASONS=4)
    stop_mocks; MOCK_PIDS=()
    start_mock --ttft-ms 100 --itl-ms 20 --chunks 20
    OUT=$("${gpu_env[@]}" "$FARM" perf:ai --provider openai --url "$MOCK_URL" --model m \
        --requests 4 --no-record 2>"$WORK/gpu.err"); RC=$?
    expect_rc 0 "perf:ai with the fake driver"
    expect_eq "$(grep -c '^GPU: Scripted GPU · util mean 37.0% max 37.0% · memory max 1\.0* GiB of 24\.0* GiB · temp max 61 °C · power mean 150 W · energy [0-9]* J ([0-9.]* output tokens/J) · THROTTLED in 100% of samples (sw_power_cap) ([0-9]* samples)$' <<<"$OUT")" \
        "1" "GPU line with the driver's figures: $(grep '^GPU' <<<"$OUT")"
    OUT=$("${gpu_env[@]}" "$FARM" perf:ai --provider openai --url "$MOCK_URL" --model m \
        --requests 4 --no-record --json 2>"$WORK/gpu.err"); RC=$?
    expect_rc 0 "perf:ai --json with the fake driver"
    g='d["results"][0]["gpu"]'
    expect_eq "$(json_get "$OUT" "($g['utilization_mean_pct'], $g['memory_used_max_bytes'], $g['memory_reserved_max_bytes'], $g['temperature_max_c'], $g['power_mean_w'], $g['throttle_reasons'])")" \
        "(37.0, 1073741824, 536870912, 61.0, 150.0, ['sw_power_cap'])" "GPU figures in JSON"
    expect_eq "$(json_get "$OUT" "round($g['energy_j'] / (150 * d['results'][0]['wall_s']), 1)")" "1.0" \
        "energy = 150 W x the run's wall time ($(json_get "$OUT" "$g['energy_j']") J)"
    expect_eq "$(json_get "$OUT" "abs($g['tokens_per_joule'] * $g['energy_j'] - d['results'][0]['total_output_tokens']) < 1e-6")" \
        "True" "tokens per joule = output tokens / energy"
    expect_eq "$(json_get "$OUT" "[(x['index'], x['uuid']) for x in $g['devices']]")" \
        "[(0, 'GPU-00000000-0000-0000-0000-000000000000')]" "per-device figures with the UUID"

    OUT=$("${gpu_env[@]}" "$FARM" perf:ai --provider openai --url "$MOCK_URL" --model m \
        --requests 1 --no-record --gpu 5 2>&1); RC=$?
    expect_rc 2 "--gpu naming no device"
    expect_contains "$OUT" "'5' names no single GPU; the GPUs here are 0 (Scripted GPU, GPU-0000" "--gpu error names the devices"
    OUT=$(CUDA_VISIBLE_DEVICES= "${gpu_env[@]}" "$FARM" perf:ai --provider openai --url "$MOCK_URL" \
        --model m --requests 1 --no-record 2>&1); RC=$?
    expect_eq "$(grep -cx 'GPU telemetry: no GPU selected (CUDA_VISIBLE_DEVICES=)' <<<"$OUT")" "1" \
        "an empty CUDA_VISIBLE_DEVICES hides the GPUs"
    # A server on another machine (TEST-NET-1: never assigned) is not charged with this GPU.
    OUT=$("${gpu_env[@]}" "$FARM" perf:ai --provider openai --url "http://192.0.2.1:9/v1" \
        --model m --requests 1 --warmup 0 --timeout 1 --no-record 2>&1); RC=$?
    expect_eq "$(grep -cx "GPU telemetry: not sampled: the server 192.0.2.1 is not on this machine (--gpu all samples this machine's GPUs anyway)" <<<"$OUT")" \
        "1" "a remote server: no local GPU figures"
else
    fail "FAKE_NVML is not set: run this test through ctest, or set it to the fake NVML library"
fi

# --- three operations and three wire formats ------------------------------------------------
for provider in openai ollama tgi; do
    for op in chat_stream chat embed; do
        [[ $provider == tgi && $op == embed ]] && continue
        run_farm perf:ai --provider "$provider" --url "$MOCK_URL" --model m --requests 2 \
            --operation "$op" --json --no-record
        expect_rc 0 "$provider $op"
        expect_eq "$(json_get "$OUT" 'd["results"][0]["errors"]["count"]')" "0" "$provider $op: no error ($ERR)"
    done
done
run_farm perf:ai --provider tgi --url "$MOCK_URL" --model m --operation generate_stream \
    --requests 2 --json --no-record
expect_eq "$(json_get "$OUT" 'd["results"][0]["errors"]["count"]')" "0" "tgi generate_stream"
run_farm perf:ai --provider tgi --url "$MOCK_URL" --model m --operation embed --no-record
expect_rc 2 "tgi has no embeddings"

# --- faults -----------------------------------------------------------------------------------
stop_mocks; MOCK_PIDS=()
start_mock --fault http-500 --fault-every 2 --chunks 3
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 10 --warmup 0 --json --no-record
expect_rc 1 "half the requests fail: not every one (exit 3), but above the error-rate line"
expect_eq "$(json_get "$OUT" 'd["results"][0]["error_rate"]')" "0.5" "error rate 0.5"
expect_eq "$(json_get "$OUT" 'd["results"][0]["verdict"]')" "failing" "verdict failing"
expect_eq "$(json_get "$OUT" 'd["results"][0]["errors"]["by_class"]')" "{'http_status': 5}" "half http_status"

stop_mocks; MOCK_PIDS=()
start_mock --fault stall --chunks 3
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 2 --warmup 0 \
    --timeout 0.5 --json --no-record
expect_rc 3 "every request stalls"
expect_eq "$(json_get "$OUT" 'list(d["results"][0]["errors"]["by_class"])')" "['timeout']" "stall -> timeout"

run_farm perf:ai --provider openai --url "http://127.0.0.1:9" --model m --requests 2 --warmup 0 --no-record
expect_rc 3 "unreachable server"
expect_contains "$ERR" "http://127.0.0.1:9" "the message names the URL"

stop_mocks; MOCK_PIDS=()
start_mock --model llama3.1 --chunks 3
run_farm perf:ai --provider ollama --url "$MOCK_URL" --model nosuchmodel --requests 2 --warmup 0 --no-record
expect_rc 3 "unknown model"
expect_contains "$OUT$ERR" "nosuchmodel" "the server's message about the model"
expect_contains "$OUT$ERR" "not found" "the server's words"

# --- history and report -----------------------------------------------------------------------
run_farm perf:ai --provider ollama --url "$MOCK_URL" --model llama3.1 --requests 3 \
    --api-key-env FARM_TEST_KEY
expect_rc 0 "ollama run recorded"
run_farm perf:report --kind ai
expect_rc 0 "perf:report --kind ai"
expect_contains "$OUT" "ollama/llama3.1/chat_stream" "report lists the AI subject"
expect_contains "$OUT" "ms" "report shows milliseconds"

# --- the key never shows ----------------------------------------------------------------------
dump=$(python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$FARM_DB")
expect_not_contains "$dump" "$SECRET" "key not in the database"
expect_not_contains "$(cat "$WORK/requests.csv")" "$SECRET" "key not in the CSV"
expect_not_contains "$OUT$ERR" "$SECRET" "key not in the output"

# --- config: providers and a malformed entry -------------------------------------------------
cat >farm.config.json <<JSON
{
  "ai": {
    "providers": [
      {"name": "local", "type": "ollama", "base_url": "$MOCK_URL", "model": "llama3.1"},
      {"name": "compat", "type": "openai", "base_url": "$MOCK_URL", "model": "llama3.1",
       "api_key_env": "FARM_TEST_KEY", "timeouts": {"connect_s": 2, "total_s": 20}}
    ],
    "thresholds": {"ollama": {"slow_ms": 0.001, "fast_ms": 0}}
  }
}
JSON
run_farm perf:ai --requests 2 --config farm.config.json
expect_rc 0 "two configured providers"
expect_contains "$OUT" "local/llama3.1/chat_stream" "first provider"
expect_contains "$OUT" "compat/llama3.1/chat_stream" "second provider side by side"
expect_contains "$OUT" "slow" "ollama thresholds from the config"
expect_not_contains "$OUT$ERR" "$SECRET" "key not shown with config"
printf '{\n  "ai": {\n    "providers": [\n      {"name": "x", "type": "olama", "base_url": "http://h"}\n    ]\n  }\n}\n' >bad.json
run_farm perf:ai --config bad.json
expect_rc 2 "malformed provider"
expect_contains "$ERR" "bad.json:4:" "file and line"
expect_contains "$ERR" "ai.providers[0].type" "path of the entry"
expect_contains "$ERR" "did you mean 'ollama'" "closest type"
rm farm.config.json

# --- @dwmkerr/mock-llm: a server this project did not write --------------------------------
if [[ -n "${FARM_SOURCE_DIR:-}" ]] && mock_bin=$("$FARM_SOURCE_DIR/scripts/ensure-mock-llm.sh" 2>"$WORK/npm.err"); then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    HOST=127.0.0.1 PORT=$port "$mock_bin" >"$WORK/mockllm.log" 2>&1 &
    MOCK_PIDS+=($!)
    for _ in $(seq 100); do
        curl -s "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1 && break
        sleep 0.1
    done
    run_farm perf:ai --provider openai --url "http://127.0.0.1:$port" --model gpt-4o \
        --requests 4 --json --no-record
    expect_rc 0 "@dwmkerr/mock-llm answers"
    expect_eq "$(json_get "$OUT" 'd["results"][0]["errors"]["count"]')" "0" "mock-llm: no error ($ERR)"
    expect_eq "$(json_get "$OUT" 'd["results"][0]["token_source"]')" "chunks" "mock-llm sends no usage"
else
    if [[ -n "${FARM_TEST_STRICT:-}" ]]; then # make test installed it first: missing is a failure
        fail "@dwmkerr/mock-llm is missing: $(tail -1 "$WORK/npm.err" 2>/dev/null)"
    else
        echo "SKIP [$TEST_NAME] @dwmkerr/mock-llm not installable here: $(tail -1 "$WORK/npm.err" 2>/dev/null)"
    fi
fi

finish
