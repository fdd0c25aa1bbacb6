#!/usr/bin/env bash
# farm's own overhead around the installs it measures: `farm perf:build --install warm` on the
# test monorepo (tests/fixtures/monorepo: pnpm 10 + turbo, Next.js, Vite, a TypeScript library),
# its whole wall time against the sum of the installs it measured, and the same installs in a
# plain hyperfine loop that removes node_modules before each run (--prepare 'rm -rf ...').
#   bench/install_overhead.sh [path/to/farm] [runs]     (default build/farm, 5 runs)
# Needs hyperfine, python3 and the npm registry once (the store is filled before timing);
# BENCH_STORE=DIR reuses a filled pnpm store. Results go to stdout; bench/README.md has them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
farm="$(realpath "${1:-$root/build/farm}")"
runs="${2:-5}"
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine" >&2; exit 2; }
pnpm_bin="$("$root/scripts/ensure-pnpm.sh" 10)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FARM_DB="$work/bench.db" npm_config_store_dir="${BENCH_STORE:-$work/store}"
export npm_config_manage_package_manager_versions=false
now() { date +%s.%N; }

cp -r "$root/tests/fixtures/monorepo" "$work/mono"
cd "$work/mono"
"$pnpm_bin" install --frozen-lockfile --prefer-offline --reporter=silent
packages=$(find node_modules/.pnpm -mindepth 1 -maxdepth 1 -type d ! -name node_modules | wc -l)
files=$(find . -path '*/node_modules/*' | wc -l)
echo "## the monorepo: $packages packages in node_modules/.pnpm, $files paths under node_modules"

reset='rm -rf node_modules apps/*/node_modules packages/*/node_modules'
start=$(now); bash -c "$reset"; removal=$(python3 -c "print($(now) - $start)")
"$pnpm_bin" install --frozen-lockfile --prefer-offline --reporter=silent
echo "## removing node_modules once, synchronously (what each run paid before): ${removal} s"

echo "## farm perf:build --install warm --runs $runs --no-build (whole process)"
start=$(now)
"$farm" perf:build --pnpm "$pnpm_bin" --install warm --runs "$runs" --no-build --json . >"$work/farm.json"
total=$(python3 -c "print($(now) - $start)")
python3 - "$work/farm.json" "$total" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
total = float(sys.argv[2])
walls = [r["wall_s"] for r in d["install"]["runs"]]
measured = sum(walls)
print(f"farm: whole call {total:.2f} s, {len(walls)} measured installs {measured:.2f} s "
      f"(median {sorted(walls)[len(walls) // 2]:.2f} s), primed: {d['install']['primed']}")
print(f"farm's own overhead: {total - measured:.2f} s = {100 * (total - measured) / measured:.1f}% "
      f"of the measured installs")
PY

echo "## hyperfine --runs $runs --prepare '$reset' 'pnpm install --frozen-lockfile --prefer-offline'"
start=$(now)
hyperfine --runs "$runs" --export-json "$work/hf.json" --prepare "$reset" \
    "$pnpm_bin install --frozen-lockfile --prefer-offline --reporter=silent" >/dev/null
total=$(python3 -c "print($(now) - $start)")
python3 - "$work/hf.json" "$total" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
total = float(sys.argv[2])
measured = sum(r["times"])
print(f"hyperfine: whole call {total:.2f} s, {len(r['times'])} measured installs {measured:.2f} s "
      f"(median {r['median']:.2f} s)")
print(f"its overhead (the synchronous rm -rf mostly): {total - measured:.2f} s = "
      f"{100 * (total - measured) / measured:.1f}% of the measured installs")
PY
