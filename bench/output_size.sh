#!/usr/bin/env bash
# The cost of measuring a build output: ~30 MB of real JavaScript measured by farm (raw, gzip -9,
# brotli -q 11 -w 22 of every file), cold, from the size cache, and after every file was written
# again with the same content (mtimes changed: found by content), beside the anchor, the gzip and
# brotli command-line tools over the same files (one process per file, serially and on every core).
#   bench/output_size.sh [path/to/farm] [JS_FOLDER]
# JS_FOLDER default: node_modules/next/dist of an installed tests/fixtures/monorepo (the first
# ~30 MB of its .js files, in path order). Needs pnpm, brotli, gzip and python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
farm="$(realpath "${1:-$root/build/farm}")"
src="${2:-}"
if [[ -z "$src" ]]; then
    src=$(find / -path '*/node_modules/next/dist' -type d -not -path '/proc/*' -print -quit 2>/dev/null || true)
fi
[[ -d "$src" ]] || { echo "bench: give a folder of JavaScript (e.g. node_modules/next/dist)" >&2; exit 2; }
command -v brotli >/dev/null || { echo "bench: needs brotli (apt-get install brotli)" >&2; exit 2; }
pnpm_bin=$("$root/scripts/ensure-pnpm.sh" 10)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FARM_DB="$work/db/bench.db"

# A one-package project whose build does nothing: perf:build then measures its output folder (the
# build state incremental, so that farm does not remove that folder before the run).
mkdir -p "$work/app/dist"
echo '{"name": "bench-app", "scripts": {"build": "true"}}' >"$work/app/package.json"
(cd "$src" && find . -name '*.js' -type f -printf '%P\n' | sort | python3 -c '
import os, sys
total = 0
for line in sys.stdin:  # read to the end: a closed pipe would fail the script (pipefail)
    if total < 30_000_000:
        total += os.path.getsize(line.strip())
        print(line.strip())
' | tar cf - -T -) | (cd "$work/app/dist" && tar xf -)
read -r files bytes <<<"$(find "$work/app/dist" -type f -printf '%s\n' | awk '{n++; s+=$1} END {print n, s}')"
echo "## $files files, $bytes bytes of JavaScript from $src; $(nproc) cores"

# Wall and CPU time (user + system, the process and its children) of a command: on a shared
# machine the CPU time is the steadier of the two.
timed() { # timed OUTFILE COMMAND...: prints "WALL CPU"
    local out=$1
    shift
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$out"
    awk '{printf "%.2f %.2f", $1, $2 + $3}' "$work/time"
}
farm_once() { # farm_once LABEL
    local t
    t=$(timed "$work/out.json" "$farm" perf:build "$work/app" --pnpm "$pnpm_bin" --install none --build-state incremental --runs 1 --json)
    python3 - "$work/out.json" "$1" $t <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["packages"][0]["output"]
print(f"farm {sys.argv[2]:<40} wall {float(sys.argv[3]):7.2f} s  cpu {float(sys.argv[4]):7.2f} s"
      f"  gzip {o['gzip_bytes']}  brotli {o['brotli_bytes']}")
PY
}
farm_once "cold (no cache)"
farm_once "again (cache by stamp)"
find "$work/app/dist" -type f -exec touch {} +
farm_once "touched (cache by content)"

anchor() { # anchor LABEL PARALLEL COMMAND...
    local label=$1 jobs=$2 t
    shift 2
    (cd "$work/app/dist" && find . -type f -print0) >"$work/files"
    t=$(timed "$work/sizes" xargs -0 -a "$work/files" -P "$jobs" -I{} sh -c "$* '$work/app/dist/{}' | wc -c")
    printf '%-45s wall %7.2f s  cpu %7.2f s  bytes %s\n' "$label" $t "$(awk '{s+=$1} END {print s}' "$work/sizes")"
}
anchor "gzip -9 (one process per file, serial)" 1 gzip -9 -c
anchor "brotli -q 11 -w 22 (per file, serial)" 1 brotli -q 11 -w 22 -c
anchor "brotli -q 11 -w 22 (per file, $(nproc) at once)" "$(nproc)" brotli -q 11 -w 22 -c
