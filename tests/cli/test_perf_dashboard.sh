#!/usr/bin/env bash
# `farm perf`, the dashboard, end to end: the hint on an empty history, the System, Latest
# results and Alerts sections with a budget and a suite threshold breached, --json, --watch piped
# (prints once), and --watch on a terminal: the monitor.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

# No history yet: the three sections, and the command that fills the history.
run_farm perf
expect_rc 0 "the dashboard with no history"
expect_contains "$OUT" "System" "the system section"
# The monitor's meters, as its first frame shows them.
expect_eq "$(grep -cE '^  CPU  \[[^]]+\] +[0-9.]+%  load [0-9.]+ [0-9.]+ [0-9.]+' <<<"$OUT")" "1" \
    "a CPU meter with the load average"
expect_eq "$(grep -cE '^  Mem  \[[^]]+\] +[0-9.]+%  [0-9.]+ [KMG]iB of ' <<<"$OUT")" "1" "a memory meter"
expect_eq "$(grep -cE '^  Disk \[[^]]+\] +[0-9.]+%  ' <<<"$OUT")" "1" "a disk meter"
expect_contains "$OUT" $'\n  GPU' "a GPU line (a meter or why not)"
# Fitted to the width: COLUMNS when piped, 80 columns without it.
for columns in 60 80 120; do
    COLUMNS=$columns run_farm perf
    widest=$(python3 -c 'import sys; print(max(len(l) for l in sys.argv[1].split("\n")))' "$OUT")
    if ((widest <= columns && widest > columns - 12)); then pass; else
        fail "perf at COLUMNS=$columns: the widest line is $widest columns: $OUT"
    fi
done
expect_contains "$OUT" "Latest results" "the latest results section"
expect_contains "$OUT" "no history yet" "says there is no history"
expect_contains "$OUT" "farm perf:build" "says which command fills it"
expect_contains "$OUT" "Alerts" "the alerts section"
expect_not_contains "$OUT" $'\033[' "no escape codes when piped"

# A history and a breached budget.
run_farm perf:build --runs 3 --name quick -- sleep 0.01
expect_rc 0 "a run recorded"
mkdir -p dist
head -c 20000 /dev/urandom >dist/app.js
cat >farm.config.json <<'JSON'
{"build": {"budgets": [{"path": "dist/*.js", "limit": "1 kB", "compression": "none"}]},
 "test": {"suites": [{"name": "quick", "kind": "build", "command": ["sleep", "0.01"],
   "thresholds": [{"metric": "wall_s", "max": 0.001}, {"metric": "wall_s", "max": 60}]}]}}
JSON
run_farm perf
expect_rc 0 "the dashboard with a history"
expect_contains "$OUT" "build · quick" "the subject's latest result"
expect_contains "$OUT" "wall time" "its primary metric"
alerts=$(sed -n '/^Alerts/,$p' <<<"$OUT")
expect_contains "$alerts" "BUDGET" "the breached budget is an alert"
expect_contains "$alerts" "dist/*.js" "the alert names the budget"
expect_contains "$alerts" "1 kB" "the alert says the limit"
expect_contains "$alerts" "THRESHOLD  quick: wall time" "the breached suite threshold is an alert, its metric named"
expect_contains "$alerts" "is over the limit of 1.000 ms" "with its limit in the metric's unit"
expect_eq "$(grep -c THRESHOLD <<<"$alerts")" "1" "the threshold that holds is no alert"

# --json: one document with the same content.
run_farm perf --json
expect_rc 0 "--json"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.dashboard/1" "schema"
expect_eq "$(json_get "$OUT" 'd["system"]["cores"] > 0')" "True" "cores"
expect_eq "$(json_get "$OUT" 'd["system"]["memory"]["total_bytes"] > 0')" "True" "memory"
expect_eq "$(json_get "$OUT" '[s["subject"] for s in d["latest"]]')" "['quick']" "latest subjects"
expect_eq "$(json_get "$OUT" 'd["latest"][0]["metric"]')" "wall_s" "primary metric"
expect_eq "$(json_get "$OUT" 'd["alerts"]["budgets"][0]["path"]')" "dist/*.js" "budget alert"
expect_eq "$(json_get "$OUT" 'd["alerts"]["budgets"][0]["measured_bytes"]')" "20000" "its size"
expect_eq "$(json_get "$OUT" '[(t["source"], t["subject"]) for t in d["alerts"]["thresholds"]]')" "[(\"test suite 'quick'\", 'quick')]" "threshold alert"
expect_contains "$(json_get "$OUT" 'd["alerts"]["thresholds"][0]["finding"]')" "is over the limit of 1.000 ms" "its finding in the metric's unit"

# --watch piped prints once and ends by itself.
timeout 10 "$FARM" perf --watch >watch.out 2>watch.err
RC=$?
expect_rc 0 "--watch piped ends with 0"
expect_eq "$(grep -c '^System' watch.out)" "1" "--watch piped prints one picture"
expect_not_contains "$(cat watch.out)" $'\033[?1049h' "no alternate screen when piped"

# --watch on a terminal (util-linux `script` gives it one): the alternate screen, redrawn, and
# q leaves with 0 and the screen given back.
if command -v script >/dev/null 2>&1; then
    (sleep 2.5; printf q) | timeout 15 script -qfec "$FARM perf --watch" /dev/null >tty.out
    RC=$?
    expect_rc 0 "q leaves --watch with 0"
    frames=$(grep -o 'Latest results' tty.out | wc -l)
    if [[ $frames -ge 2 ]]; then pass; else fail "--watch redraws: $frames frames in 2.5 s"; fi
    expect_contains "$(cat tty.out)" $'\033[?1049h' "the alternate screen is used"
    expect_contains "$(tail -c 40 tty.out)" $'\033[?1049l' "and given back at the end"
fi

# --watch as a monitor, in a pseudo-terminal read through a small terminal emulator
# (dashboard_pty.py): at 80x24 the header, the CPU, memory, disk and I/O lines with meters, the
# latest results and the alerts, and nothing scrolled or written past the last column; with the
# fake NVML two GPU meters in proportion to its figures, then a resize to 120x40 redrawn at once,
# then Ctrl-C; without NVML "not available", then SIGTERM. Both give the main screen and the
# cursor back and end with 0.
FAKE_NVML_LIBRARY=${FARM_FAKE_NVML:-$(dirname "$FARM")/tests/libfake_nvml.so}
export FAKE_NVML_LIBRARY
if [[ -f $FAKE_NVML_LIBRARY ]]; then pass; else fail "the fake NVML library is built: $FAKE_NVML_LIBRARY"; fi
for scenario in gpu no-gpu; do
    ended=0
    while IFS= read -r line; do
        case $line in
        PASS*) pass ;;
        FAIL*) fail "--watch in a terminal ($scenario): ${line#FAIL }" ;;
        END) ended=1 ;;
        *) echo "$line" >&2 ;;
        esac
    done < <(timeout 120 python3 "$here/dashboard_pty.py" "$scenario" "$FARM" 2>&1)
    if [[ $ended == 1 ]]; then pass; else fail "dashboard_pty.py $scenario stopped before its end"; fi
done
run_farm perf --watch --interval 0
expect_rc 2 "--interval 0 is refused"
expect_contains "$ERR" "--interval" "the message names the option"

# The subcommands still work under perf.
run_farm perf:report
expect_rc 0 "perf:report still runs"
expect_not_contains "$OUT" "System" "perf:report is not the dashboard"

# A config that does not load: exit 2 with where.
echo '{"build": {"budgets": [{"path": "x", "limit": "big"}]}}' >farm.config.json
run_farm perf
expect_rc 2 "a bad config"
expect_contains "$ERR" "farm.config.json:1:" "the error has a line and column"

finish
