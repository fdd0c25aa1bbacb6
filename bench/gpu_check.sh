#!/usr/bin/env bash
# farm's GPU telemetry against nvidia-smi, on a machine with an NVIDIA GPU:
#   bench/gpu_check.sh [build-dir]      (default build; needs nvidia-smi, python3 with torch)
# Starts bench/gpu_load_server.py (an OpenAI-compatible server whose tokens are matrix
# multiplications on the GPU, holding 2 GiB of device memory), runs `farm perf:ai` against it
# while `nvidia-smi -lms 200` logs the same readings, and prints both over the same window:
# mean and max utilisation, max memory used, max temperature, mean power.
# What to expect (docs/metrics.md, GPU telemetry): utilisation and power within a few points
# (both sample NVML's own averages, at slightly different moments); farm's memory used higher by
# the driver's reserved memory (a few hundred MiB), which recent nvidia-smi leaves out.
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

nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw \
    --format=csv,noheader,nounits -lms 200 >"$work/smi.csv" &
pids+=($!)
sleep 1
start="$(date +%s.%N)"
"$farm" perf:ai --provider openai --url "http://127.0.0.1:$port/v1" --model gpu-load \
    --requests "$requests" --concurrency 4 --warmup 0 --no-record --json >"$work/farm.json"
end="$(date +%s.%N)"
sleep 0.5
kill "${pids[1]}" 2>/dev/null || true

python3 - "$work/farm.json" "$work/smi.csv" "$start" "$end" <<'PY'
import csv, datetime, json, sys
doc = json.load(open(sys.argv[1]))
result = doc["results"][0]
gpu = result.get("gpu")
print("farm: %d requests, %d failed; GPU %s" % (result["requests"], result["errors"]["count"],
                                                doc.get("gpu_name")))
if not gpu:
    sys.exit("farm recorded no GPU telemetry: GPU telemetry was not available to it")
start = datetime.datetime.fromtimestamp(float(sys.argv[3]))
end = datetime.datetime.fromtimestamp(float(sys.argv[4]))
rows = []
for row in csv.reader(open(sys.argv[2])):
    try:
        when = datetime.datetime.strptime(row[0].strip(), "%Y/%m/%d %H:%M:%S.%f")
        values = [float(v) if v.strip() not in ("[N/A]", "N/A") else None for v in row[2:]]
    except (ValueError, IndexError):
        continue
    if start <= when <= end:
        rows.append(values)
if not rows:
    sys.exit("nvidia-smi logged nothing inside farm's run")
def col(i):
    return [r[i] for r in rows if r[i] is not None]
util, used, total, temp, power = (col(i) for i in range(5))
mib = 1024 * 1024
def show(name, farm_value, smi_value, unit):
    if farm_value is None or smi_value is None:
        print("%-26s %12s %12s" % (name, farm_value, smi_value))
        return
    print("%-26s %12.1f %12.1f %+10.1f %s" % (name, farm_value, smi_value,
                                            farm_value - smi_value, unit))
print("%-26s %12s %12s %10s" % ("over farm's run", "farm", "nvidia-smi", "farm - smi"))
print("%-26s %12d %12d" % ("samples", gpu["samples"], len(rows)))
show("utilisation mean", gpu.get("utilization_mean_pct"), sum(util) / len(util) if util else None, "%")
show("utilisation max", gpu.get("utilization_max_pct"), max(util) if util else None, "%")
used_max = gpu.get("memory_used_max_bytes")
show("memory used max", used_max / mib if used_max else None, max(used) if used else None, "MiB")
total_bytes = gpu.get("memory_total_bytes")
show("memory total", total_bytes / mib if total_bytes else None, max(total) if total else None, "MiB")
show("temperature max", gpu.get("temperature_max_c"), max(temp) if temp else None, "C")
show("power mean", gpu.get("power_mean_w"), sum(power) / len(power) if power else None, "W")
PY
