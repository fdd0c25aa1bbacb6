# The scripted AI server of the test suite (farm_mock_llm, built with farm; MOCK_LLM names it)
# for the CLI tests that load one. Source it after lib.sh, then:
#
#   start_mock --ttft-ms 50 --chunks 8     # on an ephemeral loopback port; sets MOCK_URL
#   start_mock --fault http-500            # another one; MOCK_URL is now its URL
#
# Every server started is stopped when the test exits (its EXIT trap also removes $WORK).
: "${MOCK_LLM:?MOCK_LLM must point to the built farm_mock_llm}"

MOCK_PIDS=()
stop_mocks() {
    for p in "${MOCK_PIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
}
trap 'stop_mocks; rm -rf "$WORK"' EXIT

start_mock() {
    local out="$WORK/mock.$RANDOM"
    "$MOCK_LLM" --host 127.0.0.1 --port 0 "$@" >"$out" 2>&1 &
    MOCK_PIDS+=($!)
    for _ in $(seq 100); do
        grep -q "listening on" "$out" 2>/dev/null && break
        sleep 0.05
    done
    MOCK_URL="http://127.0.0.1:$(awk '/listening on/ {print $3}' "$out")"
}
