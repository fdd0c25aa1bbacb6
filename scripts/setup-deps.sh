#!/usr/bin/env bash
# Installs the Debian packages farm needs to build and test, and only those
# that are missing. Safe to run again: it does nothing when all are present.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libcli11-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev doctest-dev
  libyaml-cpp-dev zlib1g-dev libbrotli-dev libcurl4-openssl-dev
)
# Tools the test suite drives for real (the CLI tests and benchmarks; zsh and fish load the
# completion scripts; clang builds the libFuzzer targets; nginx and openssl serve HTTP/2 over TLS).
if [[ "${1:-}" == "--test" ]]; then
  packages+=(procps python3 git prometheus-pushgateway chromium zsh fish clang nginx-light openssl)
fi

# Node.js and npm install pnpm for the demo and the tests; any node on PATH will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "farm: installing missing packages: ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
