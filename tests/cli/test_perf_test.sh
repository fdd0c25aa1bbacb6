#!/usr/bin/env bash
# `farm perf:test`, the CI gate, end to end: a suite that meets its thresholds exits 0, one
# that breaches them exits 1 with FAIL in the table, --junit writes XML that parses, --json,
# and config errors (an unknown kind) give file:line:col. Suites of kind dev and ai:
# test_perf_test_jobs.sh.
source "$(dirname "$0")/lib.sh"

# junit_get FILE PYTHON-EXPRESSION: evaluates it with `r` the parsed XML root.
junit_get() {
    python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(eval(sys.argv[2]))' "$1" "$2"
}

# No suites: a configuration error.
run_farm perf:test
expect_rc 2 "no suites"
expect_contains "$ERR" "test" "says where suites go"

# A quick command well under its limit.
cat >farm.config.json <<'JSON'
{
  "test": {
    "suites": [
      {"name": "quick", "kind": "build", "command": ["sleep", "0.01"], "runs": 3,
       "thresholds": [{"metric": "wall_s", "max": 5}]}
    ]
  }
}
JSON
run_farm perf:test --junit pass.xml
expect_rc 0 "a met threshold exits 0"
expect_contains "$OUT" "PASS" "the table says PASS"
expect_contains "$OUT" "subject" "the table has its header"
expect_not_contains "$OUT" "FAIL" "nothing failed"
expect_eq "$(junit_get pass.xml 'r.tag')" "testsuites" "JUnit root"
expect_eq "$(junit_get pass.xml 'r.get("failures")')" "0" "JUnit: no failures"
expect_eq "$(junit_get pass.xml 'len(r.findall("testsuite/testcase"))')" "1" "JUnit: one case"
expect_eq "$(runs_in_db)" "1" "the suite's run is recorded"

# The same command against a limit it cannot meet, and a shell command beside it.
cat >farm.config.json <<'JSON'
{
  "test": {
    "suites": [
      {"name": "quick", "kind": "build", "command": ["sleep", "0.01"], "runs": 3,
       "thresholds": [{"metric": "wall_s", "max": 0.001}, {"metric": "wall_s", "min": 0.001}]},
      {"name": "shell <&>", "kind": "build", "command": "true && true", "runs": 2,
       "thresholds": [{"subject": "shell*", "metric": "wall_s", "max": 5}]}
    ]
  }
}
JSON
run_farm perf:test --junit fail.xml
expect_rc 1 "a breached threshold exits 1"
expect_contains "$OUT" "FAIL" "the table says FAIL"
expect_contains "$OUT" "<= 1.000 ms" "the table shows the threshold"
expect_eq "$(junit_get fail.xml 'r.get("failures")')" "1" "JUnit: one failure"
expect_eq "$(junit_get fail.xml 'len(r.findall(".//failure"))')" "1" "JUnit: one failure element"
expect_eq "$(junit_get fail.xml 'r.find(".//failure/..").get("name")')" "quick wall_s" "JUnit: the failed case"
expect_eq "$(junit_get fail.xml '[s.get("name") for s in r.findall("testsuite")]')" "['quick', 'shell <&>']" "JUnit: names escaped and read back"

run_farm perf:test --json --no-record
expect_rc 1 "--json keeps the exit code"
expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.test/1" "schema"
expect_eq "$(json_get "$OUT" 'd["passed"]')" "False" "not passed"
expect_eq "$(json_get "$OUT" '[s["status"] for s in d["suites"]]')" "['failed', 'passed']" "suite statuses"
expect_eq "$(json_get "$OUT" '[c["verdict"] for c in d["suites"][0]["checks"]]')" "['FAIL', 'PASS']" "check verdicts"

run_farm perf:test --suite "shell <&>"
expect_rc 0 "--suite runs only the passing suite"
run_farm perf:test --suite quik
expect_rc 2 "an unknown --suite"
expect_contains "$ERR" "did you mean quick" "suggests the closest suite"

# A failing command fails its suite.
cat >farm.config.json <<'JSON'
{"test": {"suites": [{"name": "broken", "kind": "build", "command": ["false"], "runs": 2}]}}
JSON
run_farm perf:test --no-record
expect_rc 1 "a failing job exits 1"
expect_contains "$OUT" "did not complete" "says the job failed"

# A threshold on a metric nobody measured fails instead of passing silently.
cat >farm.config.json <<'JSON'
{"test": {"suites": [{"name": "q", "kind": "build", "command": ["true"], "runs": 1,
  "thresholds": [{"metric": "tokens_per_s", "min": 10}]}]}}
JSON
run_farm perf:test --no-record
expect_rc 1 "an unmeasured metric fails"
expect_contains "$OUT" "no tokens_per_s measurement" "says which metric is missing"

# An unknown kind: file, line and column of the value, exit 2, nothing run.
printf '{\n  "test": {\n    "suites": [\n      {"name": "x", "kind": "benchmark"}\n    ]\n  }\n}\n' >farm.config.json
run_farm perf:test
expect_rc 2 "an unknown job kind"
expect_contains "$ERR" "farm.config.json:4:29:" "file:line:column of the kind"
expect_contains "$ERR" "unknown job kind 'benchmark'" "says what is wrong"
expect_contains "$ERR" "build, dev, ai" "lists the kinds"

finish
