#!/usr/bin/env bash
# Ctrl-C (SIGINT) and SIGTERM to farm end the whole measured process tree, print the partial
# result, store the run as interrupted and exit 130.
source "$(dirname "$0")/lib.sh"

marker="98$$.5"   # a unique sleep duration, to find leftovers by command line

# Anchored: farm's own command line and the shell's also hold "sleep $marker".
left_over() { pgrep -f "^sleep $marker" >/dev/null; }

for signal in INT TERM; do
    "$FARM" perf:build --runs 100 --name "interrupt-$signal" --json -- \
        sh -c "sleep $marker & sleep $marker; wait" >out.json 2>err.txt &
    farm_pid=$!
    for _ in $(seq 50); do left_over && break; sleep 0.1; done
    if left_over; then pass; else fail "$signal: the measured tree did not start"; fi
    kill -s "$signal" "$farm_pid"
    wait "$farm_pid"
    RC=$?
    ERR=$(cat err.txt)
    expect_rc 130 "SIG$signal to farm"
    sleep 0.2
    if left_over; then
        fail "SIG$signal: processes of the measured tree are still running"
        pkill -f "^sleep $marker"
    else
        pass
    fi
    OUT=$(cat out.json)
    expect_eq "$(json_get "$OUT" 'd["status"]')" "interrupted" "SIG$signal: partial result printed as interrupted"
done

# Runs completed before the interrupt are kept and stored.
"$FARM" perf:build --runs 1000 --name partial -- sleep 0.05 >out.txt 2>&1 &
farm_pid=$!
sleep 1.5
kill -INT "$farm_pid"
wait "$farm_pid"
RC=$?
expect_rc 130 "interrupt after some runs"
expect_contains "$(cat out.txt)" "interrupted after" "the partial result says it was interrupted"
run_farm perf:report --json --subject partial
expect_eq "$(json_get "$OUT" 'd["subjects"][0]["runs"][0]["status"]')" "interrupted" "stored as interrupted"
completed=$(json_get "$OUT" 'd["subjects"][0]["runs"][0]["metrics"]["wall_s"]["count"]')
if [[ "$completed" -ge 5 && "$completed" -lt 1000 ]]; then pass; else fail "completed runs kept: $completed"; fi

finish
