#!/usr/bin/env bash
# bench/gpu_compare.py, the per-device comparison of bench/gpu_check.sh, without a GPU: farm runs
# against the mock server with the fake NVML library, and the nvidia-smi log is written in the
# format `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` prints (timestamps
# "YYYY/MM/DD HH:MM:SS.mmm", one line per device per tick; see `nvidia-smi --help-query-gpu`).
# Figures inside the tolerances pass (exit 0); one outside fails (exit 1) and is named.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mock_llm.sh"

[[ -n "${FAKE_NVML:-}" ]] || { fail "FAKE_NVML is not set (run through ctest)"; finish; exit; }
start_mock --ttft-ms 50 --itl-ms 10 --chunks 10
export FARM_NVML_LIBRARY="$FAKE_NVML" FAKE_NVML_COUNT=2 FAKE_NVML_UTIL=37 FAKE_NVML_UTIL_1=80 \
    FAKE_NVML_MEM_USED=2147483648 FAKE_NVML_MEM_RESERVED=536870912 FAKE_NVML_MEM_TOTAL=25769803776 \
    FAKE_NVML_TEMP=61 FAKE_NVML_POWER_MW=150000 FAKE_NVML_POWER_MW_1=90000
start=$(date +%s.%N)
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --gpu all --no-record --json
end=$(date +%s.%N)
expect_rc 0 "perf:ai with two fake devices"
printf '%s\n' "$OUT" >"$WORK/farm.json"
fields="timestamp,index,uuid,utilization.gpu,memory.used,memory.reserved,memory.total,temperature.gpu,power.draw"

# One nvidia-smi tick every 200 ms inside farm's window. Device 0's used memory is given as
# nvidia-smi prints it without the reserved part (1536 MiB), device 1's with it (2048 MiB).
smi_log() { # POWER0: device 0's power as nvidia-smi reads it
    python3 - "$start" "$end" "$1" <<'PY'
import datetime, sys
start, end, power0 = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
t = start + 0.05
while t < end:
    stamp = datetime.datetime.fromtimestamp(t).strftime("%Y/%m/%d %H:%M:%S.%f")[:-3]
    print("%s, 0, GPU-00000000-0000-0000-0000-000000000000, 38, 1536, 512, 24576, 61, %s" % (stamp, power0))
    print("%s, 1, GPU-00000000-0000-0000-0000-000000000001, 79, 2048, 512, 24576, 60, 91.20" % stamp)
    t += 0.2
PY
}
smi_log 148.50 >"$WORK/smi.csv"
OUT=$(python3 "$FARM_SOURCE_DIR/bench/gpu_compare.py" "$WORK/farm.json" "$WORK/smi.csv" "$start" "$end" "$fields" 2>&1); RC=$?
expect_rc 0 "every figure within tolerance ($OUT)"
expect_contains "$OUT" "device 1 Fake GPU 1 GPU-00000000-0000-0000-0000-000000000001" "devices compared one by one"
expect_contains "$OUT" "[farm's used less reserved]" "memory without the reserved part matched for device 0"
expect_contains "$OUT" "[farm's used]" "memory with it matched for device 1"
expect_contains "$OUT" "0 figure(s) outside tolerance" "summary line"

smi_log 160.00 >"$WORK/smi.csv"
OUT=$(python3 "$FARM_SOURCE_DIR/bench/gpu_compare.py" "$WORK/farm.json" "$WORK/smi.csv" "$start" "$end" "$fields" 2>&1); RC=$?
expect_rc 1 "power 10 W off is outside +-5 W"
expect_eq "$(grep -c 'power mean.*OUTSIDE' <<<"$OUT")" "1" "the one figure outside is named ($OUT)"

: >"$WORK/smi.csv"
OUT=$(python3 "$FARM_SOURCE_DIR/bench/gpu_compare.py" "$WORK/farm.json" "$WORK/smi.csv" "$start" "$end" "$fields" 2>&1); RC=$?
expect_rc 1 "no nvidia-smi rows in the window is a failure, not a pass"
finish
