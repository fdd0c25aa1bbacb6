#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang++ in build-fuzz/ and runs each for a
# bounded time, starting from the recorded streams in tests/fixtures/ai/.
#
#   scripts/run-fuzz.sh                 every target, 20 s each
#   FARM_FUZZ_SECONDS=300 scripts/run-fuzz.sh fuzz_sse
#
# New inputs the fuzzer finds go to a temporary corpus (the fixtures are never written); a crash
# leaves its input in build-fuzz/artifacts/ and makes the script fail. Replay one with
#   build-fuzz/tests/fuzz/fuzz_sse build-fuzz/artifacts/crash-...
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FARM_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FARM_FUZZ_SECONDS:-20}
jobs=${FARM_FUZZ_JOBS:-2}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_sse fuzz_ndjson fuzz_openai_stream fuzz_openai_chunk fuzz_turbo_summary fuzz_npmrc
        fuzz_workspace_yaml fuzz_install_log fuzz_user_files fuzz_dev_lines fuzz_redact
        fuzz_task_output fuzz_dev_messages fuzz_http1_response)
fi

if ! command -v clang++ >/dev/null; then
    echo "run-fuzz: clang++ not found; libFuzzer needs clang (apt-get install clang)" >&2
    exit 2
fi
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DFARM_FUZZ=ON -DFARM_UNIT_ONLY=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

# The recorded inputs each target starts from.
seeds_of() {
    case "$1" in
    fuzz_turbo_summary) echo "$root/tests/fixtures/turbo" ;;
    fuzz_npmrc) echo "$root/tests/fixtures/npmrc" ;;
    fuzz_workspace_yaml) echo "$root/tests/fixtures/workspace_yaml" ;;
    fuzz_install_log) echo "$root/tests/fixtures/pnpm" ;;
    fuzz_user_files) echo "$root/tests/fixtures/fuzz/user_files" ;;
    fuzz_dev_lines) echo "$root/tests/fixtures/fuzz/dev_lines" ;;
    fuzz_redact) echo "$root/tests/fixtures/fuzz/redact" ;;
    fuzz_task_output) echo "$root/tests/fixtures/fuzz/task_output" ;;
    fuzz_dev_messages) echo "$root/tests/fixtures/fuzz/dev_messages" ;;
    fuzz_http1_response) echo "$root/tests/fixtures/fuzz/http1_responses" ;;
    *) echo "$root/tests/fixtures/ai" ;;
    esac
}

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
    echo "run-fuzz: $target for ${seconds} s"
    mkdir -p "$corpus/$target"
    "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$target-" "$corpus/$target" "$(seeds_of "$target")"
done
