#!/usr/bin/env bash
# farm's performance targets, each measured beside its anchor in the same run.
#   bench/run.sh [path/to/farm]      (default build/farm; needs hyperfine and python3; ~4 min)
#   BENCH_SPAWN_ONLY=1 bench/run.sh  section 1 only (BENCH_ROUNDS: its interleaved rounds, 10)
# Results go to stdout; the numbers in bench/README.md come from this script.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
farm="$(realpath "${1:-$root/build/farm}")"
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FARM_DB="$work/bench.db"

echo "## 1. farm perf:build --runs 1000 -- true  vs  hyperfine -N --runs 1000 true (whole processes)"
echo "##    and two commands, 500 runs each (1000 runs in all), to compare the per-run overhead"
# The floor: a bare C loop of posix_spawn + waitpid of `true`, 1000 times, nothing else.
cat >"$work/floor.c" <<'C'
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
int main(void) {
    char *argv[] = {"true", 0};
    for (int i = 0; i < 1000; i++) {
        pid_t pid;
        int status;
        if (posix_spawn(&pid, "/usr/bin/true", 0, 0, argv, environ) == 0) waitpid(pid, &status, 0);
    }
    return 0;
}
C
cc -O2 -o "$work/floor" "$work/floor.c"
hyperfine --warmup 1 --runs 10 --export-json "$work/spawn.json" \
    "$farm perf:build --runs 1000 --no-record -- true" \
    "hyperfine -N --runs 1000 --style none true" \
    "$farm perf:build --runs 500 --no-record -c true -c true" \
    "$work/floor"
python3 - "$work/spawn.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
f, h, two, floor = (x["median"] for x in r)
print(f"median of 10: farm {f*1000:.0f} ms, hyperfine {h*1000:.0f} ms, farm/hyperfine = {f/h:.3f} (target <= 0.8)")
print(f"floor (bare posix_spawn loop) {floor*1000:.0f} ms = {floor/h:.3f} of hyperfine; "
      f"overhead over the floor per 1000 runs: farm {(f-floor)*1000:.0f} ms, hyperfine {(h-floor)*1000:.0f} ms")
print(f"two commands x 500 runs: {two*1000:.0f} ms, {two/f:.3f}x one command x 1000 runs (target 1.0)")
PY

# The same three, interleaved: farm's own -c rounds run each once per round in a shuffled order,
# so that a change in the machine's load falls on all of them alike. Whole processes again; the
# CPU (user + system of each process and what it waited for) is steadier than wall time on a
# shared machine.
"$farm" perf:build --no-record --runs "${BENCH_ROUNDS:-10}" --json \
    -n farm -c "$farm perf:build --runs 1000 --no-record -- true" \
    -n hyperfine -c "hyperfine -N --runs 1000 --style none true" \
    -n floor -c "$work/floor" >"$work/spawn-interleaved.json"
python3 - "$work/spawn-interleaved.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = {r["subject"]: r["summary"] for r in d["runs"]}
wall = {k: v["wall_s"]["median"] for k, v in m.items()}
cpu = {k: v["user_s"]["median"] + v["sys_s"]["median"] for k, v in m.items()}
n = len(d["runs"][0]["runs"])
print(f"interleaved, medians of {n}: wall farm {wall['farm']*1000:.0f} ms, hyperfine {wall['hyperfine']*1000:.0f} ms, "
      f"floor {wall['floor']*1000:.0f} ms; farm/hyperfine = {wall['farm']/wall['hyperfine']:.3f}, "
      f"floor/hyperfine = {wall['floor']/wall['hyperfine']:.3f}")
print(f"interleaved, CPU (user + sys): farm {cpu['farm']*1000:.0f} ms, hyperfine {cpu['hyperfine']*1000:.0f} ms, "
      f"floor {cpu['floor']*1000:.0f} ms; farm/hyperfine = {cpu['farm']/cpu['hyperfine']:.3f}, "
      f"floor/hyperfine = {cpu['floor']/cpu['hyperfine']:.3f}")
PY
[[ -n "${BENCH_SPAWN_ONLY:-}" ]] && exit 0

echo
echo "## 2. farm --version"
hyperfine -N --warmup 20 --runs 300 --export-json "$work/version.json" "$farm --version"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"median of 300: {r['median']*1000:.2f} ms\")" "$work/version.json"

echo
echo "## 3. Cost of the 20 Hz tree sampler (farm timing farm, a tree of 21 processes for 5 s)"
tree='for i in $(seq 20); do sleep 5 & done; wait'
for hz in 0 20; do
    "$farm" perf:build --runs 3 --json --no-record -- \
        "$farm" perf:build --runs 1 --no-record --sample-hz "$hz" --shell -- "$tree" >"$work/sampler-$hz.json"
done
python3 - "$work" <<'PY'
import json, sys
def cpu(hz):
    s = json.load(open(f"{sys.argv[1]}/sampler-{hz}.json"))["summary"]
    return s["user_s"]["median"] + s["sys_s"]["median"], s["wall_s"]["median"]
off, wall = cpu(0)
on, _ = cpu(20)
print(f"CPU of the whole inner run (median of 3): sampler off {off*1000:.1f} ms, 20 Hz {on*1000:.1f} ms")
print(f"sampler cost: {(on-off)*1000:.1f} ms over {wall:.2f} s = {(on-off)/wall*100:.3f}% of one core")
PY

echo
echo "## 4. Tree peak RSS: two processes of 300 MB at the same time"
alloc='python3 -c "b = bytes([1]) * (300 * 1000 * 1000); import time; time.sleep(1.5)"'
"$farm" perf:build --runs 3 --json --no-record --shell -- "$alloc & $alloc; wait" >"$work/rss.json"
hyperfine --runs 3 --shell sh --export-json "$work/rss-hf.json" "$alloc & $alloc; wait" >/dev/null
python3 - "$work" <<'PY'
import json, sys
s = json.load(open(f"{sys.argv[1]}/rss.json"))["summary"]
mb = 1e6
print(f"farm: tree peak {s['tree_peak_rss_bytes']['median']/mb:.0f} MB, largest process {s['max_rss_bytes']['median']/mb:.0f} MB (medians of 3; each process is 300 MB of data plus ~10 MB of Python)")
r = json.load(open(f"{sys.argv[1]}/rss-hf.json"))["results"][0]
mem = r.get("memory_usage_byte")
print("hyperfine: " + (f"memory {max(mem)/mb:.0f} MB" if mem else "reports no memory in this version"))
PY
if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f "GNU time: max RSS %M KiB (largest process)" sh -c "$alloc & $alloc; wait"
fi

echo
echo "## 5. perf:report and --compare on 1,000,000 iterations over 200 subjects (whole processes)"
# Outside any git repository, so that --compare measures the history, not git's start-up (inside
# one it adds the merge-base lookup: two git calls).
cd "$work"
python3 "$root/bench/gen_history.py" "$farm" "$work/big.db" 200 500 10
hyperfine -N --warmup 3 --runs 30 --export-json "$work/report.json" \
    "$farm perf:report --db $work/big.db" \
    "$farm perf:report --db $work/big.db --compare --fail-on never"
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"median of 30: perf:report {r[0]['median']*1000:.0f} ms (target 200), "
      f"--compare {r[1]['median']*1000:.0f} ms (target 100)")
PY
