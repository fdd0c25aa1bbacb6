#!/usr/bin/env bash
# The progress of perf:build on a pnpm project and of perf:test (README "Progress"), on the
# quick workspace of tests/fixtures/steps-workspace (nothing to install: `--install none`):
# - on a terminal, one bar over the project's steps, "[k/n] build PACKAGE  run i/n", fitted to
#   80 columns and erased at the end; perf:test's suites get the bar too;
# - in a log, the steps' own lines: the first step's start at once, a step after a slow one
#   (longer than the five-second milestone interval) starts with its own line, a step after a
#   quick one does not (the next milestone line names it), and every step ends with its time,
#   once, on a line of its own or with other quick steps' on one line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"
source "$(dirname "$0")/tty.sh"

pnpm_bin=$(monorepo_pnpm) || { fail "pnpm 10 could not be installed"; finish; exit; }
cp -r "$FARM_SOURCE_DIR/tests/fixtures/steps-workspace" ws

# --- a terminal: the bar over the steps ---------------------------------------------------------
on_tty project.tty perf:build --pnpm "$pnpm_bin" --install none --runs 1 --no-record ws
expect_rc 0 "perf:build on a pnpm project, on a terminal"
expect_eq "$(tty_eval project.tty 're.search(r"\[[1-4]/4\] build @steps/p[1-4]  run 1/1", t) is not None')" \
    "True" "the step, k of n, with its run"
expect_eq "$(tty_eval project.tty '"█" in t and "░" in t')" "True" "the bar, in blocks"
expect_eq "$(tty_eval project.tty 're.search(r"  00:\d\d  ", t) is not None')" "True" "the elapsed time"
expect_eq "$(tty_eval project.tty '"\n" not in t and t.endswith("\r\x1b[K")')" "True" \
    "redrawn in place and erased at the end"
expect_eq "$(tty_eval project.tty "$TTY_FITS")" "True" "every frame fits 80 columns"
expect_contains "$OUT" "@steps/p4" "the results on stdout"
expect_not_contains "$OUT" $'\033' "stdout holds no terminal codes"

# --- a log: the steps' lines -------------------------------------------------------------------
FARM_TEST_SLOW=@steps/p2 FARM_TEST_BUILD_MS=6000 \
    run_farm perf:build --pnpm "$pnpm_bin" --install none --runs 1 --no-record ws
expect_rc 0 "perf:build on a pnpm project, stderr a file"
expect_eq "$(grep -cx '\[1/4\] build @steps/p1' <<<"$ERR")" "1" "the first step starts with its line"
expect_eq "$(grep -cx '\[3/4\] build @steps/p3' <<<"$ERR")" "1" \
    "the step after a slow one starts with its own line: $ERR"
expect_eq "$(grep -cx '\[4/4\] build @steps/p4' <<<"$ERR")" "0" \
    "the step after a quick one has no start line of its own: $ERR"
ends=$(grep -oE '\[[1-4]/4\] build @steps/p[1-4] ended after [0-9.]+ (µs|ms|s)' <<<"$ERR" | cut -d' ' -f1)
expect_eq "$(tr '\n' ' ' <<<"$ends")" "[1/4] [2/4] [3/4] [4/4] " \
    "each step ends once, with its time, in order: $ERR"
expect_eq "$(grep -cx '\[3/4\] build @steps/p3 ended after [0-9.]* [µm]*s' <<<"$ERR")" "1" \
    "a step that started with its line ends with its own"
# The slow step is named while it runs: by its start line or a milestone line.
expect_contains "$ERR" "[2/4] build @steps/p2" "the slow step is named"
expect_not_contains "$ERR" $'\033' "no terminal codes in a log"
expect_contains "$ERR" "perf:build: ended after " "a closing line"

# --- perf:test: its suites with the bar ----------------------------------------------------------
cat >farm.config.json <<'JSON'
{"test": {"suites": [{"name": "nap", "kind": "build", "command": ["sleep", "0.3"], "runs": 4,
                      "thresholds": [{"metric": "wall_s", "max": 60}]}]}}
JSON
on_tty test.tty perf:test --no-record
expect_rc 0 "perf:test on a terminal"
expect_eq "$(tty_eval test.tty 're.search(r"nap  run [2-4]/4  mean \d", t) is not None and "█" in t')" \
    "True" "perf:test: the suite, its run and the bar"
expect_eq "$(tty_eval test.tty 're.search(r"  00:0\d  ETA 00:0\d", t) is not None')" "True" \
    "perf:test: the elapsed and remaining time"
expect_eq "$(tty_eval test.tty '"\n" not in t and t.endswith("\r\x1b[K")')" "True" \
    "perf:test: erased at the end"
expect_eq "$(tty_eval test.tty "$TTY_FITS")" "True" "perf:test: every frame fits 80 columns"
expect_contains "$OUT" "PASS" "perf:test's verdict on stdout"

finish
