#!/usr/bin/env bash
# `make demo`: measures the bundled example workspace the way a developer would use farm.
set -euo pipefail
farm="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
pnpm_bin="$("$root/scripts/ensure-pnpm.sh")"
export PATH="$(dirname "$pnpm_bin"):$PATH"
cd "$root/examples/workspace"

echo "== farm perf:build: warm install, then each package's build, output sizes, advice"
"$farm" perf:build --runs 5
echo
echo "== farm perf:build --install noop --no-build: an install with nothing to do"
"$farm" perf:build --runs 5 --install noop --no-build
echo
echo "== farm perf:build -- COMMAND: any command, timed like hyperfine (tree memory included)"
"$farm" perf:build --runs 10 --name "node: hash the web bundle" \
    -- node -e "const c=require('crypto');let h='';for(let i=0;i<20000;i++)h=c.createHash('sha256').update(h+i).digest('hex')"
echo
echo "== farm perf:dev: the example dev server's start-up and hot reload (examples/devserver)"
(cd "$root/examples/devserver" && "$farm" perf:dev --runs 2 --reloads 2 --duration 0.5 --no-record)
echo
echo "== farm perf:test: the suites of examples/workspace/farm.config.json as a CI gate (JUnit too)"
"$farm" perf:test --junit .farm/perf-test.xml
echo
echo "== farm perf:report: the history so far (examples/workspace/.farm/perf.db)"
"$farm" perf:report --last 3
echo
echo "== farm perf: the dashboard (printed once when piped; --watch redraws it on a terminal)"
"$farm" perf | cat
