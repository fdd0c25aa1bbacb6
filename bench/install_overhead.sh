#!/usr/bin/env bash
# farm's own overhead around the installs it measures: `farm perf:build --install SCENARIO
# --no-build` as a whole process against the sum of the installs it measured (overhead = whole
# call - measured installs), beside the same installs in a plain hyperfine loop that removes
# node_modules (and, cold, the store and cache) synchronously before each run.
#   bench/install_overhead.sh [path/to/farm] [runs]     (default build/farm, 5 runs)
# Environment:
#   BENCH_WORKSPACE=large     a workspace of about 1,170 npm packages (bench/make_workspace.py:
#                             Next.js, Vite, TanStack, tRPC, Prisma, Drizzle, ESLint, Jest, ...);
#                             the default
#   BENCH_WORKSPACE=monorepo  the test monorepo (tests/fixtures/monorepo, 34 packages)
#   BENCH_SCENARIOS="warm cold"   which --install scenarios to time (default both)
#   BENCH_HYPERFINE=0         leave out the hyperfine loops
#   BENCH_DIR=DIR             keep the workspace (with the lockfile its first install resolved) and
#                             the filled store in DIR, so that a later call reuses them
# Needs hyperfine, python3 and the npm registry (to fill the store, and for every cold run).
# Results go to stdout; bench/README.md has them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
farm="$(realpath "${1:-$root/build/farm}")"
runs="${2:-5}"
workspace="${BENCH_WORKSPACE:-large}"
scenarios="${BENCH_SCENARIOS:-warm cold}"
pnpm_bin="$("$root/scripts/ensure-pnpm.sh" 10)"
if [[ "${BENCH_HYPERFINE:-1}" != 0 ]]; then
    command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (or BENCH_HYPERFINE=0)" >&2; exit 2; }
fi
if [[ -n "${BENCH_DIR:-}" ]]; then
    work="$(realpath -m "$BENCH_DIR")"
    mkdir -p "$work"
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi
export FARM_DB="$work/bench.db" npm_config_store_dir="$work/store"
export npm_config_manage_package_manager_versions=false
now() { date +%s.%N; }

ws="$work/$workspace"
if [[ ! -f "$ws/pnpm-lock.yaml" ]]; then
    rm -rf "$ws"
    case "$workspace" in
        large) python3 "$root/bench/make_workspace.py" "$ws" ;;
        monorepo) cp -r "$root/tests/fixtures/monorepo" "$ws" ;;
        *) echo "bench: BENCH_WORKSPACE is large or monorepo" >&2; exit 2 ;;
    esac
    (cd "$ws" && "$pnpm_bin" install --reporter=silent) # resolves once, fills the store
fi
cd "$ws"
"$pnpm_bin" install --frozen-lockfile --prefer-offline --reporter=silent
packages=$(find node_modules/.pnpm -mindepth 1 -maxdepth 1 -type d ! -name node_modules | wc -l)
files=$(find . -path '*/node_modules/*' | wc -l)
echo "## $workspace: $packages packages in node_modules/.pnpm, $files paths under node_modules;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

folders="node_modules $(find . -mindepth 2 -maxdepth 3 -name node_modules -type d \
    -not -path './node_modules/*' | tr '\n' ' ')"
start=$(now); rm -rf $folders; removal=$(python3 -c "print(f'{$(now) - $start:.2f}')")
"$pnpm_bin" install --frozen-lockfile --prefer-offline --reporter=silent
echo "## removing node_modules once, synchronously: ${removal} s"

for scenario in $scenarios; do
    echo "## farm perf:build --install $scenario --runs $runs --no-build (whole process)"
    start=$(now)
    "$farm" perf:build --pnpm "$pnpm_bin" --install "$scenario" --runs "$runs" --no-build \
        --no-progress --json . >"$work/farm-$scenario.json"
    total=$(python3 -c "print($(now) - $start)")
    python3 - "$work/farm-$scenario.json" "$total" "$scenario" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
total, scenario = float(sys.argv[2]), sys.argv[3]
walls = [r["wall_s"] for r in d["install"]["runs"]]
measured = sum(walls)
print(f"farm {scenario}: whole call {total:.2f} s, {len(walls)} measured installs {measured:.2f} s "
      f"(median {sorted(walls)[len(walls) // 2]:.2f} s, each {', '.join(f'{w:.1f}' for w in walls)}),"
      f" primed: {d['install']['primed']}")
print(f"farm {scenario} overhead: {total - measured:.2f} s = "
      f"{100 * (total - measured) / measured:.1f}% of the measured installs")
PY
    [[ "${BENCH_HYPERFINE:-1}" == 0 ]] && continue
    install="$pnpm_bin install --frozen-lockfile --reporter=silent"
    reset="rm -rf $folders"
    if [[ "$scenario" == cold ]]; then
        install="$install --store-dir=$work/cold/store --cache-dir=$work/cold/cache"
        reset="$reset $work/cold"
    else
        install="$install --prefer-offline"
    fi
    echo "## hyperfine --runs $runs --prepare '$reset' '$install'"
    start=$(now)
    hyperfine --runs "$runs" --export-json "$work/hf-$scenario.json" --prepare "$reset" \
        "$install" >/dev/null
    # A cold loop leaves node_modules linked to its own store: installed again from the user's.
    [[ "$scenario" == cold ]] && bash -c "$reset" &&
        "$pnpm_bin" install --frozen-lockfile --prefer-offline --reporter=silent
    total=$(python3 -c "print($(now) - $start)")
    python3 - "$work/hf-$scenario.json" "$total" "$scenario" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
total, scenario = float(sys.argv[2]), sys.argv[3]
measured = sum(r["times"])
print(f"hyperfine {scenario}: whole loop {total:.2f} s, {len(r['times'])} measured installs "
      f"{measured:.2f} s (median {r['median']:.2f} s, each "
      f"{', '.join(f'{w:.1f}' for w in r['times'])})")
print(f"hyperfine {scenario} overhead: {total - measured:.2f} s = "
      f"{100 * (total - measured) / measured:.1f}% of the measured installs")
PY
done
