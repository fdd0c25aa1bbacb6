#!/usr/bin/env bash
# Regenerates the committed completion scripts and the manual page from a built farm, so that
# they list exactly the commands and options the binary accepts. Run it after changing any
# command or option; tests/cli/test_completion.sh fails until the files match.
#   scripts/update-completions.sh [path/to/farm]   (default: build/farm)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
farm=${1:-$root/build/farm}
if [[ ! -x "$farm" ]]; then
  echo "update-completions: no farm binary at $farm; build first (cmake --build build)" >&2
  exit 2
fi
mkdir -p "$root/completions" "$root/man"
"$farm" completion bash >"$root/completions/farm.bash"
"$farm" completion zsh >"$root/completions/_farm"
"$farm" completion fish >"$root/completions/farm.fish"
"$farm" completion man >"$root/man/farm.1"
echo "updated completions/farm.bash, completions/_farm, completions/farm.fish, man/farm.1"
