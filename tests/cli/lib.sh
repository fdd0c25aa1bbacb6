# Shared helpers for the CLI tests: each test script sources this, gets a fresh temporary
# folder as its current directory and its own history database, and ends with `finish`.
set -uo pipefail

: "${FARM:?FARM must point to the built farm binary}"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/farm-cli-XXXXXX")
export FARM_DB="$WORK/history.db"
cd "$WORK" || exit 2
passed=0
failed=0
trap 'rm -rf "$WORK"' EXIT

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL [$TEST_NAME] $*" >&2
}

# run_farm ARGS...: runs farm, leaving stdout in $OUT, stderr in $ERR and the exit code in $RC.
run_farm() {
    "$FARM" "$@" >"$WORK/.out" 2>"$WORK/.err"
    RC=$?
    OUT=$(cat "$WORK/.out")
    ERR=$(cat "$WORK/.err")
}

expect_rc() { # expect_rc CODE WHAT
    if [[ "$RC" == "$1" ]]; then pass; else fail "$2: exit code $RC, expected $1; stderr: $ERR"; fi
}
expect_contains() { # expect_contains HAYSTACK NEEDLE WHAT
    if [[ "$1" == *"$2"* ]]; then pass; else fail "$3: '$2' not found in: $1"; fi
}
expect_not_contains() {
    if [[ "$1" != *"$2"* ]]; then pass; else fail "$3: '$2' unexpectedly found in: $1"; fi
}
expect_eq() { # expect_eq ACTUAL EXPECTED WHAT
    if [[ "$1" == "$2" ]]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}

# json_get JSON PYTHON-EXPRESSION: evaluates the expression with `d` bound to the document.
json_get() {
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# runs_in_db: number of runs stored in the test's history.
runs_in_db() {
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from runs").fetchone()[0])' "$FARM_DB" 2>/dev/null || echo 0
}

# free_port_block COUNT: the first of COUNT consecutive TCP ports that nothing holds now, below the
# kernel's ephemeral range (outgoing connections take their local ports from that range, and a
# server told to listen on one of them can find it taken: EADDRINUSE). The search starts at a
# place picked by this shell's PID, so that tests running at once start apart.
free_port_block() {
    python3 - "$1" "$$" <<'PY'
import socket, sys
count, pid = int(sys.argv[1]), int(sys.argv[2])
low, top = 10000, int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0]) - count
def free(port):
    for family, host in ((socket.AF_INET6, "::"), (socket.AF_INET, "0.0.0.0")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.bind((host, port))
            return True
        except OSError as e:
            if family == socket.AF_INET6 and e.errno in (97, 99):  # no IPv6 here: try IPv4
                continue
            return False
    return False
span = top - low
for step in range(span):
    base = low + (pid + step * 7) % span
    if all(free(base + k) for k in range(count)):
        print(base)
        sys.exit(0)
sys.exit("no free block of %d ports" % count)
PY
}

finish() {
    echo "$TEST_NAME: $passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}
