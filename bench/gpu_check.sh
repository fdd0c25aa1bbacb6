#!/usr/bin/env bash
# farm's GPU telemetry against nvidia-smi, on a machine with an NVIDIA GPU:
#   bench/gpu_check.sh [build-dir]      (default build; needs nvidia-smi, python3 with torch)
# Starts bench/gpu_load_server.py (an OpenAI-compatible server whose tokens are matrix
# multiplications on the GPU, holding 2 GiB of device memory), runs `farm perf:ai` against it
# while `nvidia-smi -lms 200` logs the same readings, and compares them per device (by NVML
# index and UUID) over the same window, each against a tolerance:
#   utilisation mean  +-5 points      memory used max  +-1%      temperature max  +-1 C
#   power mean        +-5 W           energy           +-10% of farm's power mean x wall time
# Memory: drivers differ in whether "used" includes the memory the driver reserves; farm reads
# nvmlDeviceGetMemoryInfo_v2 (used and reserved), nvidia-smi prints memory.used and, where it has
# it, memory.reserved: the check passes when farm's used, or used less reserved, is within 1% of
# nvidia-smi's, and says which. Exits 1 when any figure is outside its tolerance, 2 when there
# is no GPU or farm recorded no telemetry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(realpath "${1:-$root/build}")"
farm="$build/farm"
requests="${FARM_GPU_CHECK_REQUESTS:-60}"
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "gpu_check: no NVIDIA GPU here (nvidia-smi is missing or sees no device): nothing to check" >&2
    exit 2
fi
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

python3 "$root/bench/gpu_load_server.py" --port 0 >"$work/server.out" 2>&1 &
pids+=($!)
for _ in $(seq 600); do
    grep -q "listening on" "$work/server.out" 2>/dev/null && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/server.out" >&2; exit 2; }
    sleep 0.1
done
port="$(awk '/listening on/ {split($4, a, ":"); print a[2]}' "$work/server.out")"
echo "server: $(cat "$work/server.out")"
nvidia-smi -L

fields="timestamp,index,uuid,utilization.gpu,memory.used,memory.reserved,memory.total,temperature.gpu,power.draw"
if ! nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits >/dev/null 2>&1; then
    fields="timestamp,index,uuid,utilization.gpu,memory.used,memory.used,memory.total,temperature.gpu,power.draw"
    echo "nvidia-smi has no memory.reserved: memory compared as used only"
fi
nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits -lms 200 >"$work/smi.csv" &
pids+=($!)
sleep 1
start="$(date +%s.%N)"
"$farm" perf:ai --provider openai --url "http://127.0.0.1:$port/v1" --model gpu-load \
    --requests "$requests" --concurrency 4 --warmup 0 --gpu all --no-record --json >"$work/farm.json"
end="$(date +%s.%N)"
sleep 0.5
kill "${pids[1]}" 2>/dev/null || true

python3 "$root/bench/gpu_compare.py" "$work/farm.json" "$work/smi.csv" "$start" "$end" "$fields"
