#!/usr/bin/env bash
# Prints the path of a pnpm binary, installing pnpm with npm into a local prefix when the
# machine has none (or when a given major version is asked for). Nothing is installed globally.
#   scripts/ensure-pnpm.sh            -> pnpm on PATH, else the newest pnpm in the local prefix
#   scripts/ensure-pnpm.sh 9          -> pnpm 9.x in the local prefix
#   scripts/ensure-pnpm.sh 10.5       -> the newest pnpm 10.5.x (the version rules of optimize:pnpm
#                                        change at 10.6 and 10.24)
set -euo pipefail
major="${1:-}"
tools="${FARM_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/tools}"

if [[ -z "$major" ]] && command -v pnpm >/dev/null 2>&1; then
    command -v pnpm
    exit 0
fi
spec="pnpm@${major:-latest}"
prefix="$tools/pnpm-${major:-latest}"
bin="$prefix/node_modules/.bin/pnpm"
if [[ ! -x "$bin" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "farm: npm is needed to install pnpm (apt-get install nodejs npm)" >&2
        exit 1
    fi
    echo "farm: installing $spec into $prefix" >&2
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "$spec" >&2
fi
echo "$bin"
