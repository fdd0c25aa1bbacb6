#!/usr/bin/env bash
# Prints the path of the `mock-llm` binary of the npm package @dwmkerr/mock-llm (an
# OpenAI-compatible test server), installing it with npm into a local prefix when missing.
# Nothing is installed globally. The server binds 0.0.0.0 unless HOST=127.0.0.1 is set.
set -euo pipefail
tools="${FARM_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/tools}"
prefix="$tools/mock-llm"
bin="$prefix/node_modules/.bin/mock-llm"
if [[ ! -x "$bin" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "farm: npm is needed to install @dwmkerr/mock-llm (apt-get install nodejs npm)" >&2
        exit 1
    fi
    echo "farm: installing @dwmkerr/mock-llm into $prefix" >&2
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error @dwmkerr/mock-llm >&2
fi
echo "$bin"
