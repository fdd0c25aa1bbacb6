#!/usr/bin/env bash
# perf:build through turbo when a task fails (tests/fixtures/monorepo, real turbo; the Next app's
# build replaced by a short stand-in that writes .next/static, so that no Next build runs): with
# --keep-going turbo gets --continue=dependencies-successful, so the app that does not depend on
# the failed one is built and the failed library's dependents are skipped; without it turbo stops.
# Every package is listed with its status, as in the per-package mode.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

PNPM_BIN=$(monorepo_pnpm) || { fail "pnpm 10 unavailable"; finish; exit; }
monorepo_install "$WORK/repo" || { fail "monorepo install failed"; finish; exit; }

# set_build PACKAGE_DIR SCRIPT: the package's build script replaced.
set_build() {
    python3 - "$WORK/repo/$1/package.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["scripts"]["build"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
}
# The stand-in waits 3 s, so that turbo, stopping at a failure, cancels it first.
set_build apps/web "node -e \"setTimeout(() => { const fs = require('fs'); fs.mkdirSync('.next/static', {recursive: true}); fs.writeFileSync('.next/static/app.js', 'app'); }, 3000)\""
set_build apps/site "node -e \"console.error('site: VITE_API_URL is not set'); process.exit(4)\""

statuses='dict(sorted((t["package"], t["status"]) for t in d["build"]["tasks"]))'

# --keep-going: the site fails, the web app (it needs only the library) is still built.
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --keep-going --json
expect_rc 3 "a failed turbo build exits 3"
expect_eq "$(json_get "$OUT" 'd["build"]["command"]')" \
    "turbo run build --summarize --force --continue=dependencies-successful" \
    "turbo goes on with the tasks whose dependencies succeeded"
expect_eq "$(json_get "$OUT" "$statuses")" \
    "{'@acme/lib': 'ok', '@acme/site': 'failed', '@acme/web': 'ok'}" \
    "the independent app built, the failed one failed"
expect_eq "$(json_get "$OUT" '[t["output"] for t in d["build"]["tasks"] if t["package"] == "@acme/web"][0]')" \
    "None" "no output is measured from a failed call"

# Without --keep-going turbo stops at the failure: the app it cancelled is not_run.
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --json
expect_rc 3 "a failed turbo build exits 3"
expect_eq "$(json_get "$OUT" 'd["build"]["command"]')" "turbo run build --summarize --force" \
    "turbo's own default: stop at the first failure"
expect_eq "$(json_get "$OUT" "$statuses")" \
    "{'@acme/lib': 'ok', '@acme/site': 'failed', '@acme/web': 'not_run'}" \
    "the cancelled app is listed as not run"

# The library fails: both apps depend on it, so both are skipped, naming it.
set_build packages/lib "node -e \"console.error('lib: tsc found 1 error'); process.exit(2)\""
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --keep-going
expect_rc 3 "the failed library exits 3"
expect_contains "$OUT" "skipped: @acme/lib failed" "the table names what blocked the apps"
# In words first: the library's own line (turbo prints it on stdout behind its task prefix), not
# turbo's "command (...) exited (2)" nor pnpm's ELIFECYCLE.
expect_contains "$OUT" "turbo build: @acme/lib#build failed: lib: tsc found 1 error
    (run 1 failed (exit code 2))" "the failure is told by the library's own line"
expect_not_contains "$OUT" "ELIFECYCLE" "pnpm's lines are left out"
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --keep-going --json --no-record
expect_eq "$(json_get "$OUT" 'dict(sorted((t["package"], [t["status"], t["blocked_by"]]) for t in d["build"]["tasks"]))')" \
    "{'@acme/lib': ['failed', None], '@acme/site': ['skipped', '@acme/lib'], '@acme/web': ['skipped', '@acme/lib']}" \
    "both apps skipped, blocked by the library"
expect_eq "$(json_get "$OUT" '[t["error"] for t in d["build"]["tasks"] if t["package"] == "@acme/lib"][0]')" \
    "lib: tsc found 1 error" "the failed task's error is its own last line"

# perf:report keeps what the call said: the failed task and turbo's words.
run_farm perf:report --kind build --subject 'build:total' --json
expect_rc 0 "perf:report"
expect_contains "$(json_get "$OUT" 'd["subjects"][0]["newest_failure"]["message"]')" \
    "turbo run build --summarize --force --continue=dependencies-successful failed" \
    "the newest failure names the runner's command"
expect_contains "$(json_get "$OUT" 'd["subjects"][0]["newest_failure"]["message"]')" \
    "@acme/lib#build failed: lib: tsc found 1 error" "and the failed task, in its own words"

finish
