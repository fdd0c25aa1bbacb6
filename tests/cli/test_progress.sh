#!/usr/bin/env bash
# The progress display (README "Progress"): on a terminal a bar with the elapsed and remaining
# time, redrawn in place on stderr and erased at the end, fitted to the terminal's width; in a
# log (stderr a file) plain milestone lines, at most one every few seconds; never anything of it
# on stdout or in --json; NO_COLOR and TERM=dumb respected; --no-progress turns it off; perf:ai
# shows its requests done, in flight and errors as they go, perf:dev its runs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dev_example.sh"
source "$(dirname "$0")/mock_llm.sh"
source "$(dirname "$0")/tty.sh" # on_tty, tty_eval
: "${FARM_SOURCE_DIR:?FARM_SOURCE_DIR must point to the source tree}"
PTY="$FARM_SOURCE_DIR/tests/cli/pty_run.py"

ESC=$'\033'
SGR='re.search(r"\x1b\[[0-9;]*m", t) is not None' # a colour code
FITS=$TTY_FITS

# --- (a) a terminal: the bar, redrawn in place, fitted, erased at the end ----------------------
on_tty bar.tty perf:build --runs 5 --no-record -- sleep 0.3
expect_rc 0 "perf:build on a terminal"
expect_eq "$(tty_eval bar.tty '"█" in t and "░" in t')" "True" "the bar, in blocks"
expect_eq "$(tty_eval bar.tty 're.search(r"sleep 0\.3  run [2-5]/5  mean \d", t) is not None')" \
    "True" "the command, its run count and the mean so far"
expect_eq "$(tty_eval bar.tty 're.search(r"  00:0\d  ETA 00:0\d", t) is not None')" "True" \
    "the elapsed and remaining time"
expect_eq "$(tty_eval bar.tty 't.count("\r") >= 3 and "\n" not in t')" "True" \
    "redrawn in place: carriage returns, never a new line"
expect_eq "$(tty_eval bar.tty "$FITS")" "True" "every frame fits 80 columns"
expect_eq "$(tty_eval bar.tty 't.endswith("\r\x1b[K")')" "True" "erased when done"
expect_eq "$(tty_eval bar.tty "$SGR")" "True" "the bar in colour when NO_COLOR is not set"
expect_not_contains "$OUT" "$ESC" "stdout holds no terminal codes"
expect_contains "$OUT" "sleep 0.3" "the results on stdout"

# A narrow terminal: the line still fits.
env -u NO_COLOR TERM=xterm LANG=C.UTF-8 python3 "$PTY" --columns 40 --stdout "$WORK/.out" \
    narrow.tty -- "$FARM" perf:build --runs 4 --no-record -- sleep 0.3
expect_eq "$(tty_eval narrow.tty 'all(len(re.sub(r"\x1b\[[0-9;]*[mK]", "", f)) <= 39 for f in t.split("\r"))')" \
    "True" "every frame fits 40 columns"

# --- (b) stderr a file: milestone lines, throttled, no bar and no codes -----------------------
started=$(date +%s.%N)
run_farm perf:build --runs 6 --no-record -- sleep 0.2
took=$(python3 -c "import sys,time; print(time.time() - float(sys.argv[1]))" "$started")
expect_rc 0 "perf:build with stderr a file"
milestones=$(grep -c '^perf:build: sleep 0\.2: run [0-9]/6, ' <<<"$ERR")
expect_eq "$((milestones >= 1))" "1" "a milestone line: $ERR"
# The first line comes at once, later ones at most every 5 s.
allowed=$(python3 -c "import sys; print(1 + int(float(sys.argv[1]) // 5))" "$took")
expect_eq "$((milestones <= allowed))" "1" "at most one line every 5 s ($milestones lines in $took s)"
expect_contains "$ERR" "perf:build: ended after " "a closing line"
expect_not_contains "$ERR" "$ESC" "no terminal codes in a log"
expect_not_contains "$ERR" $'\r' "no carriage returns in a log"
expect_not_contains "$ERR" "█" "no bar in a log"

# TERM=dumb on a terminal: the log's lines, no cursor movement.
TTY_ENV="TERM=dumb" on_tty dumb.tty perf:build --runs 3 --no-record -- sleep 0.2
expect_eq "$(tty_eval dumb.tty '"perf:build: sleep 0.2: run 1/3" in t')" "True" "TERM=dumb: lines"
expect_eq "$(tty_eval dumb.tty '"\x1b" not in t and "\r" not in t')" "True" "TERM=dumb: no codes"

# --- (c) --json: stdout is the document alone, on a terminal and in a log --------------------
on_tty json.tty perf:build --runs 3 --no-record --json -- sleep 0.2
expect_rc 0 "--json on a terminal"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.run/1" "--json on a terminal: stdout parses"
expect_not_contains "$OUT" "$ESC" "--json: no terminal codes on stdout"
expect_eq "$(tty_eval json.tty '"█" in t')" "True" "--json: the bar still on stderr"
run_farm perf:build --runs 3 --no-record --json -- sleep 0.2
expect_eq "$(python3 -c 'import json,sys; json.loads(sys.stdin.read()); print("ok")' <<<"$OUT")" \
    "ok" "--json in a log: stdout is one JSON document"
expect_contains "$ERR" "perf:build: sleep 0.2: run 1/3" "--json in a log: milestones on stderr"

# --- (d) NO_COLOR: the bar without colour ------------------------------------------------------
TTY_ENV="NO_COLOR=1" on_tty nocolor.tty perf:build --runs 3 --no-record -- sleep 0.3
expect_eq "$(tty_eval nocolor.tty '"█" in t')" "True" "NO_COLOR: the bar is still drawn"
expect_eq "$(tty_eval nocolor.tty "$SGR")" "False" "NO_COLOR: no colour code"

# A locale without UTF-8: the bar in ASCII.
TTY_ENV="LANG=C" on_tty ascii.tty perf:build --runs 3 --no-record -- sleep 0.3
expect_eq "$(tty_eval ascii.tty '"█" not in t and re.search(r"#*-{5,}", t) is not None')" "True" \
    "LANG=C: an ASCII bar"

# --- --no-progress: nothing, on a terminal or in a log ----------------------------------------
on_tty off.tty perf:build --runs 3 --no-record --no-progress -- sleep 0.2
expect_rc 0 "--no-progress on a terminal"
expect_eq "$(tty_eval off.tty 't == ""')" "True" "--no-progress: the terminal gets nothing"
run_farm perf:build --runs 3 --no-record --no-progress -- sleep 0.2
expect_eq "$ERR" "" "--no-progress: no milestone lines"

# Several commands: one bar over all of them, the label of the one running.
on_tty multi.tty perf:build --runs 3 --no-record -c 'sleep 0.2' -c 'sleep 0.3'
expect_eq "$(tty_eval multi.tty '"sleep 0.2  run" in t and "sleep 0.3  run" in t')" "True" \
    "several commands: each one's label"

# --- (e) perf:ai against the mock: requests done, in flight, errors, requests/s ---------------
start_mock --ttft-ms 40 --itl-ms 30 --chunks 8 --fault http-500 --fault-every 4
on_tty ai.tty perf:ai --provider openai --url "$MOCK_URL" --model m --requests 8 \
    --warmup 0 --no-record --json
expect_eq "$(json_get "$OUT" 'd["results"][0]["requests"]')" "8" "perf:ai: stdout is its document"
expect_eq "$(tty_eval ai.tty 're.search(r"[1-8]/8 requests  [01] in flight  [12] errors?  \d+\.\d req/s", t) is not None')" \
    "True" "perf:ai: requests done, in flight, errors and requests/s live"
# Erased before farm says what it found (here: the error rate is above the threshold).
expect_eq "$(tty_eval ai.tty '"█" in t and "\r\x1b[K" in t and "█" not in t.split("\r\x1b[K")[-1]')" \
    "True" "perf:ai: the bar, erased"
expect_eq "$(tty_eval ai.tty 't.split("\r\x1b[K")[-1].startswith("farm: openai/m: error rate")')" \
    "True" "perf:ai: what follows the bar starts on a clean line"
run_farm perf:ai --provider openai --url "$MOCK_URL" --model m --requests 4 --warmup 0 \
    --no-record --json
expect_contains "$(grep -E '^perf:ai: [0-4]/4 requests, [0-9]+ in flight, [0-9]+ errors?, ' <<<"$ERR")" \
    "perf:ai: " "perf:ai in a log: a milestone line with the counts"
expect_contains "$ERR" "perf:ai: ended after" "perf:ai in a log: a closing line"

# perf:benchmark: the level, k of n, with its requests.
on_tty sweep.tty perf:benchmark --provider openai --url "$MOCK_URL" --model m \
    --concurrency-levels 1,2 --requests 4 --warmup 0 --no-record --json
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.benchmark/1" "perf:benchmark: stdout is its document"
expect_eq "$(tty_eval sweep.tty 're.search(r"level 1/2 \(c=1\)  [0-4]/4 requests  ", t) is not None and re.search(r"level 2/2 \(c=2\)  ", t) is not None')" \
    "True" "perf:benchmark: each level, k of n, with its requests"

# --- perf:dev: its runs and reloads --------------------------------------------------------------
if command -v node >/dev/null; then
    dev_example_app app 200
    (cd app && on_tty ../dev.tty perf:dev --runs 2 --reloads 2 --duration 0.3 --no-record)
    expect_eq "$(tty_eval dev.tty 're.search(r"run [12]/2: ", t) is not None and "█" in t')" \
        "True" "perf:dev: its runs with the bar"
    expect_eq "$(tty_eval dev.tty 't.endswith("\r\x1b[K")')" "True" "perf:dev: erased"
fi

finish
