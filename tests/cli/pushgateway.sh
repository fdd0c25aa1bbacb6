# A real Prometheus Pushgateway for the tests that push to one. Source it (after lib.sh), then:
#
#   start_pushgateway || { echo "SKIP: no pushgateway"; exit 0; }   # exports PUSHGATEWAY_URL
#   ... farm perf:report --push "$PUSHGATEWAY_URL" ...
#   pushgateway_metrics            # prints what the gateway now serves on /metrics
#   stop_pushgateway               # optional: an EXIT trap stops it anyway
#
# The gateway listens on 127.0.0.1 on a port that was free a moment before, keeps its metrics in
# memory only, and writes its log to a temporary file that start_pushgateway prints on failure.
# 127.0.0.1 is added to no_proxy, so that a proxy in the environment does not catch the pushes.
# start_pushgateway returns 1 when the pushgateway is not installed (scripts/setup-deps.sh
# --test installs it) and 2 when it does not become ready. Needs python3 (for HTTP and a port).

PUSHGATEWAY_BIN=${PUSHGATEWAY_BIN:-/usr/bin/prometheus-pushgateway}
PUSHGATEWAY_PID=
PUSHGATEWAY_URL=
PUSHGATEWAY_LOG=

# pushgateway_get URL: prints the body of a GET, fails unless the answer is 2xx.
pushgateway_get() {
    python3 - "$1" <<'EOF'
import sys, urllib.request
# No proxy: the gateway is on this machine whatever http_proxy says.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(sys.argv[1], timeout=2) as answer:
        sys.stdout.write(answer.read().decode())
except Exception as error:
    sys.stderr.write(f"{sys.argv[1]}: {error}\n")
    sys.exit(1)
EOF
}

pushgateway_metrics() {
    pushgateway_get "$PUSHGATEWAY_URL/metrics"
}

_pushgateway_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Adds stop_pushgateway to the EXIT trap, keeping whatever the trap already did (lib.sh's clean-up).
_pushgateway_chain_exit_trap() {
    local previous
    previous=$(trap -p EXIT)
    previous=${previous#"trap -- '"}
    previous=${previous%"' EXIT"}
    previous=${previous//"'\\''"/"'"}
    # shellcheck disable=SC2064 # the previous command is expanded now, on purpose
    trap "stop_pushgateway; $previous" EXIT
}

start_pushgateway() {
    if [[ ! -x "$PUSHGATEWAY_BIN" ]]; then
        echo "pushgateway.sh: $PUSHGATEWAY_BIN not found (scripts/setup-deps.sh --test installs it)" >&2
        return 1
    fi
    PUSHGATEWAY_LOG=$(mktemp "${TMPDIR:-/tmp}/farm-pushgateway-XXXXXX")
    _pushgateway_chain_exit_trap
    # farm's HTTP client honours http_proxy; the gateway on this machine must not go through one.
    export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
    export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
    local attempt port tries
    # The port is free when chosen but could be taken before the gateway binds it: try again.
    for attempt in 1 2 3; do
        port=$(_pushgateway_free_port) || return 2
        # An empty --persistence.file keeps metrics in memory: Debian's default is a file shared
        # by every gateway on the machine, which would carry one test's pushes into the next.
        "$PUSHGATEWAY_BIN" --web.listen-address="127.0.0.1:$port" --persistence.file= \
            >>"$PUSHGATEWAY_LOG" 2>&1 &
        PUSHGATEWAY_PID=$!
        PUSHGATEWAY_URL="http://127.0.0.1:$port"
        export PUSHGATEWAY_URL
        for ((tries = 0; tries < 100; tries++)); do
            if ! kill -0 "$PUSHGATEWAY_PID" 2>/dev/null; then
                break # it exited: most likely the port was taken
            fi
            if pushgateway_get "$PUSHGATEWAY_URL/-/ready" >/dev/null 2>&1; then
                return 0
            fi
            sleep 0.1
        done
        _pushgateway_kill
        echo "pushgateway.sh: attempt $attempt on port $port failed" >&2
    done
    echo "pushgateway.sh: the pushgateway did not become ready; its log:" >&2
    cat "$PUSHGATEWAY_LOG" >&2
    return 2
}

_pushgateway_kill() {
    if [[ -n "$PUSHGATEWAY_PID" ]]; then
        kill "$PUSHGATEWAY_PID" 2>/dev/null
        wait "$PUSHGATEWAY_PID" 2>/dev/null
        PUSHGATEWAY_PID=
    fi
}

stop_pushgateway() {
    _pushgateway_kill
    if [[ -n "$PUSHGATEWAY_LOG" && -z "${PUSHGATEWAY_KEEP_LOG:-}" ]]; then
        rm -f "$PUSHGATEWAY_LOG"
    fi
}
