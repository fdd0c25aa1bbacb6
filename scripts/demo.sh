#!/usr/bin/env bash
# `make demo`: measures the bundled example workspace the way a developer would use farm.
set -euo pipefail
farm="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
pnpm_bin="$("$root/scripts/ensure-pnpm.sh")"
export PATH="$(dirname "$pnpm_bin"):$PATH"
cd "$root/examples/workspace"

echo "== pnpm $(pnpm --version), node $(node --version): examples/workspace"
echo
echo "== install (node_modules removed before each run, the store kept)"
"$farm" perf:build --runs 5 --name example:install \
    --prepare 'rm -rf node_modules packages/*/node_modules' \
    -- pnpm install --prefer-offline --config.manage-package-manager-versions=false
echo
echo "== build of every package"
"$farm" perf:build --runs 5 --warmup 1 --name example:build \
    -- pnpm --config.manage-package-manager-versions=false -r run build
echo
echo "== the history so far"
"$farm" perf:report --last 3
