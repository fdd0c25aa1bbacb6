#!/usr/bin/env bash
# perf:build with several commands (-c), interleaved rounds and their seed, the relative speed,
# parameters, hooks (setup, prepare, conclude, cleanup: also after a failure and a signal),
# --output/--input, --shell's subtracted start-up, -M alone, --ignore-failure=CODES and --config
# in the commands mode. Real processes; no assertion on a duration but the 2x ratio of two sleeps.
source "$(dirname "$0")/lib.sh"

# Two commands: the ratio of medians is about 2, the faster one is the reference.
run_farm perf:build --runs 10 --json -c 'sleep 0.05' -c 'sleep 0.1'
expect_rc 0 "two commands"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.batch/1" "several commands give a batch document"
expect_eq "$(json_get "$OUT" 'd["relative"]["reference"]')" "sleep 0.05" "the faster is the reference"
expect_eq "$(json_get "$OUT" '1.8 <= d["relative"]["results"][0]["ratio"] <= 2.2')" "True" \
    "the ratio of medians is within 10% of 2"
expect_eq "$(json_get "$OUT" '(lambda r: r["ci95_low"] <= r["ratio"] <= r["ci95_high"])(d["relative"]["results"][0])')" \
    "True" "the interval holds the ratio"
expect_eq "$(json_get "$OUT" '[len(r["runs"]) for r in d["runs"]]')" "[10, 10]" "10 runs each"
expect_eq "$(json_get "$OUT" 'len({r["batch_id"] for r in d["runs"]}) == 1 and len(d["batch_id"]) == 16')" \
    "True" "the runs share a 16-hex batch id"
expect_eq "$(runs_in_db)" "2" "each command is its own run in the history"
db_query() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())' "$FARM_DB" "$1"; }
expect_eq "$(db_query 'select count(distinct batch_id), count(*) from runs where batch_id != ""')" \
    "[(1, 2)]" "the history stores the shared batch id"
expect_eq "$(db_query 'select count(*) from runs where order_seed is not null')" "[(2,)]" \
    "the history stores the seed"

run_farm perf:build --runs 3 -c 'sleep 0.05' -c 'sleep 0.1'
expect_contains "$OUT" '`sleep 0.05` ran ' "the relative line names the faster"
expect_contains "$OUT" 'times faster than `sleep 0.1`' "the relative line names the slower"
expect_contains "$OUT" "Mann-Whitney p" "the relative line gives the p-value"

# --reference and --name.
run_farm perf:build --runs 3 --json --reference slow -n fast -n slow -c 'sleep 0.01' -c 'sleep 0.05'
expect_eq "$(json_get "$OUT" 'd["relative"]["reference"]')" "slow" "--reference takes a name"
expect_eq "$(json_get "$OUT" 'd["relative"]["results"][0]["ratio"] < 1')" "True" \
    "against a slower reference the ratio is below 1"
# A reference that fails: no comparison, and the output says why instead of dropping it silently.
run_farm perf:build --runs 2 --reference bad -n good -n bad -c 'sleep 0.01' -c false
expect_contains "$OUT" "no relative speeds: the reference \`bad\` did not complete a run" \
    "a failed reference is named"
run_farm perf:build --runs 1 -n only-one -c true -c false
expect_rc 2 "fewer names than commands"
expect_contains "$ERR" "one --name per command" "the error says why"
run_farm perf:build --runs 1 -c true -- true
expect_rc 2 "-c and -- together"

# Word splitting: quotes as sh, no shell; an unterminated quote names the command.
run_farm perf:build --runs 1 --json -c "sh -c 'echo \"a  b\" > words'"
expect_rc 0 "a quoted argument"
expect_eq "$(cat words)" "a  b" "the quoted words reached the command as one argument"
run_farm perf:build --runs 1 -c "echo 'oops"
expect_rc 2 "an unterminated quote"
expect_contains "$ERR" "echo 'oops" "the error names the command"

# Interleaving: every round runs each command once, in a shuffled order; the seed repeats it.
order_of() { tr -d '\n' < order; }
run_farm perf:build --runs 12 --seed 7 -c 'sh -c "printf a >> order"' -c 'sh -c "printf b >> order"'
expect_rc 0 "interleaved"
expect_contains "$OUT" "seed 7" "the seed is printed"
first=$(cat order)
rounds_ok=True pairs=""
for ((i = 0; i < 24; i += 2)); do
    pair=${first:i:2}
    pairs+=" $pair"
    [[ $pair == ab || $pair == ba ]] || rounds_ok=False
done
expect_eq "$rounds_ok" "True" "each round ran both commands: $first"
expect_contains "$pairs" " ab" "some rounds run a first"
expect_contains "$pairs" " ba" "some rounds run b first (shuffled)"
rm order
run_farm perf:build --runs 12 --seed 7 -c 'sh -c "printf a >> order"' -c 'sh -c "printf b >> order"'
expect_eq "$(cat order)" "$first" "the same seed gives the same order"
rm order
run_farm perf:build --runs 4 --no-interleave -c 'sh -c "printf a >> order"' -c 'sh -c "printf b >> order"'
expect_eq "$(cat order)" "aaaabbbb" "--no-interleave runs in blocks"
rm order
run_farm perf:build --runs 2 --json -c 'sh -c "printf a >> order"' -c 'sh -c "printf b >> order"'
expect_eq "$(json_get "$OUT" 'isinstance(d["order_seed"], int)')" "True" "a random seed is in the JSON"

# Parameters: a scan times a list is the cartesian product; values in commands, names, JSON.
run_farm perf:build --runs 1 --json -n 'p-{n}-{m}' -c 'sh -c "echo {n}{m} >> params"' \
    --parameter-scan n 1 2 --parameter-list m x,y
expect_rc 0 "parameters"
expect_eq "$(sort params | tr '\n' ' ')" "1x 1y 2x 2y " "every combination ran"
expect_eq "$(json_get "$OUT" 'sorted(r["subject"] for r in d["runs"])')" \
    "['p-1-x', 'p-1-y', 'p-2-x', 'p-2-y']" "names take the values"
expect_eq "$(json_get "$OUT" 'd["runs"][0]["parameters"] == {"n": "1", "m": "x"}')" "True" \
    "the values are in the JSON"
expect_eq "$(db_query "select count(*) from runs where subject = 'p-2-y' and parameters like '%\"n\"%\"2\"%' and parameters like '%\"m\"%\"y\"%'")" \
    "[(1,)]" "the values are in the history"
expect_eq "$(db_query "select count(*) from runs where subject like 'p-%'")" "[(4,)]" "four subjects"
run_farm perf:build --runs 1 --json -c 'sh -c "echo {t} >> steps"' --parameter-scan t 0 0.2 \
    --parameter-step-size 0.1
expect_eq "$(sort steps | tr '\n' ' ')" "0.0 0.1 0.2 " "a decimal scan"

# Hooks: the order of setup, prepare, run, conclude and cleanup.
run_farm perf:build --runs 2 --setup 'echo setup >> log' --prepare 'echo prepare >> log' \
    --conclude 'echo conclude >> log' --cleanup 'echo cleanup >> log' -- sh -c 'echo run >> log'
expect_rc 0 "hooks"
expect_eq "$(tr '\n' ' ' < log)" "setup prepare run conclude prepare run conclude cleanup " \
    "hooks run in hyperfine's order"
run_farm perf:build --runs 3 --cleanup 'echo cleanup >> log2' -- sh -c 'exit 1'
expect_rc 3 "a failing command"
expect_eq "$(cat log2)" "cleanup" "cleanup runs after a failing command"

# A failing hook ends its command: named with its exit, the runs before it kept as failed.
before=$(runs_in_db)
run_farm perf:build --runs 5 --json --prepare 'test ! -e stop || exit 7' \
    -- sh -c 'echo r >> made; [ "$(wc -l < made)" -ge 2 ] && touch stop; true'
expect_rc 3 "a failing prepare hook"
expect_contains "$(json_get "$OUT" 'd["failure"]')" "the prepare command" "the hook is named"
expect_contains "$(json_get "$OUT" 'd["failure"]')" "exit code 7" "its exit is given"
expect_eq "$(json_get "$OUT" 'd["status"]')" "failed" "the partial result is marked failed"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "2" "the runs measured before are kept"
expect_eq "$(runs_in_db)" "$((before + 1))" "the partial result is recorded"

# Cleanup after SIGINT and SIGTERM (the measured child is stopped, the partial run kept).
for signal in INT TERM; do
    rm -f started
    "$FARM" perf:build --runs 5 --cleanup "echo cleanup-$signal >> log3" \
        -- sh -c 'touch started; sleep 5' >"$WORK/.sig-out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [[ -e started ]] && break; sleep 0.05; done
    kill -s "$signal" "$pid"
    wait "$pid"
    RC=$?
    expect_rc 130 "SIG$signal ends farm as interrupted"
    expect_contains "$(cat log3 2>/dev/null)" "cleanup-$signal" "cleanup ran after SIG$signal"
done

# A second Ctrl-C while the --cleanup hook hangs (it ignores SIGINT) ends farm cleanly: the hook's
# whole group is stopped (SIGINT, then SIGKILL after the grace period), nothing of it is left
# running, and the run measured before the first Ctrl-C is printed and recorded as interrupted.
before=$(runs_in_db)
rm -f started ran cleanup.pid cleanup.log
"$FARM" perf:build --runs 5 --json \
    --cleanup 'trap "" INT; echo $$ > cleanup.pid; sleep 60; echo done >> cleanup.log' \
    -- sh -c 'if [ -e ran ]; then touch started; sleep 60; else touch ran; fi' \
    >"$WORK/.int2-out" 2>"$WORK/.int2-err" &
pid=$!
for _ in $(seq 200); do [[ -e started ]] && break; sleep 0.05; done
kill -s INT "$pid"
for _ in $(seq 200); do [[ -s cleanup.pid ]] && break; sleep 0.05; done
expect_eq "$([[ -s cleanup.pid ]] && echo started)" "started" "the cleanup hook starts after Ctrl-C"
kill -s INT "$pid"
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$pid" 2>/dev/null; then
    fail "a second Ctrl-C during a hanging cleanup: farm still runs 15 s later"
    kill -s KILL "$pid"
fi
wait "$pid"
RC=$?
ERR=$(cat "$WORK/.int2-err")
OUT=$(cat "$WORK/.int2-out")
expect_rc 130 "a second Ctrl-C during the cleanup ends farm as interrupted"
hook_group=$(cat cleanup.pid 2>/dev/null)
if [[ -n "$hook_group" ]] && kill -0 -- "-$hook_group" 2>/dev/null; then
    fail "the cleanup hook's group is still running after farm ended"
    kill -s KILL -- "-$hook_group"
else
    pass
fi
expect_eq "$(json_get "$OUT" 'd["status"]')" "interrupted" "the partial result is interrupted"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "1" "the run measured before Ctrl-C is kept"
expect_eq "$(runs_in_db)" "$((before + 1))" "the partial result is recorded"
expect_eq "$(cat cleanup.log 2>/dev/null)" "" "the cleanup hook was stopped, not waited for"

# --output FILE, --input FILE, --show-output.
run_farm perf:build --runs 2 --output out.txt -- sh -c 'echo abc | tr a-c x-z'
expect_eq "$(cat out.txt)" "xyz" "--output FILE holds the command's output"
expect_not_contains "$OUT" "xyz" "the output does not reach the terminal"
run_farm perf:build --runs 2 -- sh -c 'echo abc | tr a-c x-z'
expect_not_contains "$OUT$ERR" "xyz" "by default the output goes to /dev/null"
printf 'line one\nline two\n' > in.txt
run_farm perf:build --runs 1 --input in.txt --output copy.txt -- cat
expect_eq "$(cat copy.txt)" "$(cat in.txt)" "--input feeds the file to the command"
run_farm perf:build --runs 1 --show-output -- echo shown-output
expect_contains "$OUT" "shown-output" "--show-output lets it write to the terminal"
run_farm perf:build --runs 1 --input no-such-file -- cat
expect_rc 2 "a missing --input"

# --output is for commands: the pnpm project mode (perf:build DIR) reads pnpm's output itself and
# refuses it, even given as its default value, instead of ignoring it.
mkdir -p project && echo '{"name": "project", "private": true}' > project/package.json
for value in out.txt null; do
    run_farm perf:build --no-record --output "$value" project
    expect_rc 2 "--output $value in the pnpm project mode"
    expect_contains "$ERR" "--output applies to commands" "--output $value: the message says why"
done

# --shell: its start-up is measured and subtracted, and said so.
run_farm perf:build --runs 3 --shell --json -- 'true'
expect_rc 0 "--shell"
expect_eq "$(json_get "$OUT" 'd["shell_overhead_s"] > 0')" "True" "the subtracted figure is in JSON"
expect_eq "$(db_query 'select count(*) from runs where shell_overhead_s > 0')" "[(1,)]" \
    "the subtracted figure is in the history"
run_farm perf:build --runs 2 --shell=sh -c 'true'
expect_contains "$OUT" "start-up subtracted" "the table says so"

# -M alone lowers the minimum, as hyperfine.
run_farm perf:build --max-runs 3 --json -- true
expect_rc 0 "-M alone"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "3" "-M 3 alone gives 3 runs"

# --ignore-failure=CODES accepts only those codes; -i accepts any.
run_farm perf:build --runs 2 --ignore-failure=1 -- sh -c 'exit 1'
expect_rc 0 "--ignore-failure=1 accepts exit 1"
run_farm perf:build --runs 2 --ignore-failure=1 -- sh -c 'exit 2'
expect_rc 3 "--ignore-failure=1 does not accept exit 2"
run_farm perf:build --runs 2 -i -- sh -c 'exit 2'
expect_rc 0 "-i accepts any exit code"
run_farm perf:build --runs 2 --ignore-failure=x -- true
expect_rc 2 "bad codes are a usage error"

# --config is read strictly in the commands mode too.
echo '{"build": {"output_dirs": ["dist"]}}' > good.json
run_farm perf:build --runs 1 --config good.json -- true
expect_rc 0 "a good config"
echo '{"build": {"output_dirs": [' > bad.json
run_farm perf:build --runs 1 --config bad.json -- true
expect_rc 2 "a broken config"
expect_contains "$ERR" "bad.json" "the error names the file"
run_farm perf:build --runs 1 --config missing.json -c true
expect_rc 2 "a missing config"
expect_contains "$ERR" "missing.json" "the error names the missing file"

# A result is printed before it is stored: with the database locked past the busy timeout the
# tables (or the whole --json document) are still printed, the runs kept in a file, exit 2.
"$FARM" perf:build --db "$WORK/locked.db" --runs 1 -- true >/dev/null || fail "a first run"
python3 -c 'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("begin exclusive"); print("locked", flush=True); time.sleep(30)' "$WORK/locked.db" >lock.out &
holder=$!
for _ in $(seq 50); do grep -q locked lock.out 2>/dev/null && break; sleep 0.1; done
FARM_DB_BUSY_TIMEOUT_MS=200 run_farm perf:build --db "$WORK/locked.db" --runs 2 -c true -c 'sleep 0.01'
text_rc=$RC text_out=$OUT text_err=$ERR
FARM_DB_BUSY_TIMEOUT_MS=200 run_farm perf:build --db "$WORK/locked.db" --runs 2 --json -c true -c 'sleep 0.01'
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
RC=$text_rc ERR=$text_err expect_rc 2 "storing failed: exit 2"
expect_contains "$text_out" "Relative speed" "the tables were printed all the same"
expect_contains "$text_err" "locked.db" "the database is named"
expect_contains "$text_err" ".unsaved-" "the kept file is named"
expect_rc 2 "storing failed with --json: exit 2"
expect_eq "$(json_get "$OUT" 'd["recorded"]')" "False" "the document says recorded: false"
expect_eq "$(json_get "$OUT" 'len(d["runs"])')" "2" "the document is complete"
expect_contains "$(json_get "$OUT" 'd["unsaved_file"]')" ".unsaved-" "and where the runs are"

finish
