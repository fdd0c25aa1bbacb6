#!/usr/bin/env bash
# perf:report --import of hyperfine JSON: a null exit code (hyperfine 1.11's run ended by a
# signal) is a failed run, importing the same file twice adds nothing, and a file farm kept when
# it could not record (record_or_keep) comes back with farm's own keys.
source "$(dirname "$0")/lib.sh"

cat >signal.json <<'JSON'
{"results": [{"command": "crash --hard", "mean": 0.2, "stddev": 0.1, "median": 0.2,
  "user": 0.01, "system": 0.01, "min": 0.1, "max": 0.3, "times": [0.1, 0.2, 0.3],
  "exit_codes": [0, null, 0], "parameters": {"level": "9"}}]}
JSON
run_farm perf:report --import signal.json
expect_rc 0 "import of a file with a null exit code"
expect_contains "$OUT" "imported 3 runs of \`crash --hard\` as #1" "the import is said"
status=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select status from runs").fetchone()[0])' "$FARM_DB")
expect_eq "$status" "failed" "a null exit code makes the run failed"
codes=$(python3 -c 'import sqlite3,sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute("select exit_code from iterations order by idx")])' "$FARM_DB")
expect_eq "$codes" "[0, -1, 0]" "the null exit code is stored as -1"
params=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select parameters from runs").fetchone()[0])' "$FARM_DB")
expect_eq "$params" '[["level","9"]]' "hyperfine's parameters are stored"
run_farm perf:report
expect_contains "$(grep 'crash --hard' <<<"$OUT")" "level=9" "the listing shows the parameters"

# The same file again: nothing added, said, exit 0.
run_farm perf:report --import signal.json
expect_rc 0 "a second import of the same file"
expect_contains "$OUT" "already imported as #1" "the second import names the run"
expect_eq "$(runs_in_db)" "1" "no duplicate run"
# A changed file is another measurement.
sed 's/0.3\]/0.31]/' signal.json >signal2.json
run_farm perf:report --import signal2.json
expect_rc 0 "import of a changed file"
expect_eq "$(runs_in_db)" "2" "a changed file is imported"

# A file as record_or_keep writes it: farm's keys restore subject, status, batch and metrics.
cat >kept.json <<'JSON'
{"results": [{"command": "sleep 0.05", "mean": 0.05, "stddev": null, "median": 0.05,
  "user": 0.001, "system": 0.002, "min": 0.05, "max": 0.05, "times": [0.05],
  "exit_codes": [0],
  "farm": {"run_id": null, "kind": "build", "subject": "cmd:nap", "status": "ok",
           "started_at": "2026-01-02T03:04:05.000Z", "duration_s": 0.07, "folder": "/src",
           "batch_id": "b-77", "order_seed": 18446744073709551615, "shell_overhead_s": null,
           "parameters": [["t", "0.05"]], "statistics_over": 1, "ci95": [0.05, 0.05],
           "signals": [0],
           "metrics": {"tree_peak_rss_bytes": {"unit": "bytes", "values": [123456]}},
           "context": {"git": {"commit": "abc", "branch": "main", "dirty": true},
                       "host": {"name": "box"}, "tool_versions": {"farm": "9"},
                       "project": {}}}}]}
JSON
run_farm perf:report --import kept.json
expect_rc 0 "import of a kept file"
expect_contains "$OUT" "(cmd:nap)" "the subject comes from farm's keys"
row=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select subject, batch_id, order_seed, started_at, git_branch, host_name from runs where subject = ?", ("cmd:nap",)).fetchone())' "$FARM_DB")
expect_eq "$row" "('cmd:nap', 'b-77', -1, '2026-01-02T03:04:05.000Z', 'main', 'box')" "farm's keys are restored (the seed as the signed integer of its bits)"
rss=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select vals from metrics where name = ?", ("tree_peak_rss_bytes",)).fetchone()[0])' "$FARM_DB")
expect_eq "$rss" "[123456]" "per-iteration metrics are restored"
run_farm perf:report --subject 'cmd:nap'
expect_rc 0 "the imported run is reported"
expect_contains "$OUT" "cmd:nap" "the report lists it"

# A broken farm key is a located error, nothing is imported.
sed 's/"signals": \[0\]/"signals": ["x"]/' kept.json >bad.json
run_farm perf:report --import bad.json
expect_rc 2 "a bad farm key"
expect_contains "$ERR" "bad.json: /results/0/farm/signals/0" "the error names the file and the key"

finish
