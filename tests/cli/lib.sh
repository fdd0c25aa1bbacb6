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

finish() {
    echo "$TEST_NAME: $passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}
