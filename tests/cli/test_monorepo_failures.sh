#!/usr/bin/env bash
# perf:build when a workspace package's build fails (the bundled example workspace with an
# independent package added, real pnpm 9): every package listed with its status (the library
# failed, its dependents skipped with blocked_by, the independent one not_run, or built with
# --keep-going), the library's own message first, exit 3, no build:total; then perf:report
# counts the failed runs, shows the newest one's reason and never uses them as numbers.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
export npm_config_store_dir="$WORK/store" # the test's own store, not the user's
pnpm_bin=$("$src/scripts/ensure-pnpm.sh" 9) || { fail "pnpm 9 could not be installed"; finish; exit; }

cp -r "$src/examples/workspace" ws
rm -rf ws/node_modules ws/packages/*/node_modules ws/packages/*/dist ws/.farm
# @example/tool depends on nothing: it comes second in the build order (folder order), after
# the shared library and before the library's dependents ui and web.
mkdir -p ws/packages/tool
cat > ws/packages/tool/package.json <<'JSON'
{"name": "@example/tool", "version": "1.0.0", "private": true, "type": "module",
 "scripts": {"build": "node build.mjs"}}
JSON
cat > ws/packages/tool/build.mjs <<'JS'
import { mkdirSync, writeFileSync } from "node:fs";
mkdirSync("dist", { recursive: true });
writeFileSync("dist/tool.js", "export const tool = 1;\n");
JS
sed -i 's|^  \.: {}$|  .: {}\n\n  packages/tool: {}|' ws/pnpm-lock.yaml
# The shared library's build fails the way a missing environment variable makes it fail.
mv ws/packages/shared/build.mjs ws/packages/shared/build.mjs.ok
# Its last line quotes a secret, as a connection error does: masked wherever farm shows or keeps it.
cat > ws/packages/shared/build.mjs <<'JS'
console.error("shared: DATABASE_URL is not set");
console.error("  (the fallback postgres://app:hunter2@localhost/app was refused)");
process.exit(3);
JS

statuses='[p["status"] for p in d["packages"]]'
names='[p["name"] for p in d["packages"]]'

run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --json ws
expect_rc 3 "a failed build exits 3"
expect_eq "$(json_get "$OUT" "$names")" "['@example/shared', '@example/tool', '@example/ui', '@example/web']" "every package of the build order is listed"
expect_eq "$(json_get "$OUT" "$statuses")" "['failed', 'not_run', 'skipped', 'skipped']" "failed, not run, skipped"
expect_eq "$(json_get "$OUT" '[p["blocked_by"] for p in d["packages"]]')" "[None, None, '@example/shared', '@example/shared']" "dependents are blocked by the library, web through ui too"
expect_eq "$(json_get "$OUT" 'd["failure"].splitlines()[0]')" "build of @example/shared failed: shared: DATABASE_URL is not set" "the library's own message comes first"
expect_contains "$(json_get "$OUT" 'd["failure"]')" "exit code 3" "then how the run ended"
expect_contains "$(json_get "$OUT" 'd["failure"]')" "postgres://app:***@localhost/app" "the secret it printed is masked"
expect_not_contains "$OUT" "hunter2" "never shown"
expect_eq "$(json_get "$OUT" 'd["total"]')" "None" "no total when a package failed"
expect_eq "$(json_get "$OUT" '[d["packages"][0]["build"], d["packages"][0]["output"]]')" "[None, None]" "a failed build is no time and no output"
expect_eq "$(json_get "$OUT" '[r["exit_code"] for r in d["packages"][0]["runs"]]')" "[3]" "its run says how it ended"

# --keep-going builds what does not depend on the failure.
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install none --keep-going --json ws
expect_rc 3 "a failed build exits 3 with --keep-going too"
expect_eq "$(json_get "$OUT" "$statuses")" "['failed', 'ok', 'skipped', 'skipped']" "--keep-going builds the independent package"
expect_eq "$(json_get "$OUT" 'd["packages"][1]["output"]["files"]')" "1" "its output is measured"
if [[ -f ws/packages/tool/dist/tool.js && ! -e ws/packages/ui/dist ]]; then pass; else fail "--keep-going: tool built, ui not"; fi

# The table says it in words.
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install none ws
expect_rc 3 "the table run exits 3"
expect_contains "$OUT" "skipped: @example/shared failed" "the table names what blocked a package"
expect_contains "$OUT" "not run" "the table shows the packages not reached"
expect_contains "$OUT" "no total: not every package's build completed" "the table says why there is no total"
expect_contains "$OUT" "build of @example/shared failed: shared: DATABASE_URL is not set" "the failure, in words"

# Fixed: every package builds, and the total is recorded.
mv ws/packages/shared/build.mjs.ok ws/packages/shared/build.mjs
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install none --json ws
expect_rc 0 "the fixed build passes"
expect_eq "$(json_get "$OUT" "$statuses")" "['ok', 'ok', 'ok', 'ok']" "every package ok"
expect_eq "$(json_get "$OUT" 'd["total"] is not None')" "True" "the total is back"

# perf:report: three failed runs of the library, one completed; the failed ones are counted and
# explained, never the baseline of a trend.
run_farm perf:report --kind build --json
expect_rc 0 "perf:report --json"
shared='[s for s in d["subjects"] if s["subject"] == "build:@example/shared"][0]'
expect_eq "$(json_get "$OUT" "$shared[\"failed_runs\"], $shared[\"completed_runs\"]")" "(3, 1)" "failed runs are counted apart"
expect_eq "$(json_get "$OUT" "$shared[\"newest_failure\"][\"reason\"]")" "exit code 3 in run 1 of 1" "the newest failure's reason"
expect_eq "$(json_get "$OUT" "$shared[\"newest_failure\"][\"message\"].splitlines()[0]")" "build of @example/shared failed: shared: DATABASE_URL is not set" "the history keeps what the call said: the package and its own words"
expect_contains "$(json_get "$OUT" "$shared[\"newest_failure\"][\"message\"]")" "(run 1 failed (exit code 3))" "and how it ended"
expect_eq "$(python3 -c 'import sqlite3,sys; print(sum("hunter2" in (r[0] or "") for r in sqlite3.connect(sys.argv[1]).execute("select failure from runs")))' "$FARM_DB")" "0" "no secret stored"
expect_eq "$(json_get "$OUT" "$shared[\"trend\"][\"wall_s\"][\"change_pct\"]")" "None" "one completed run: no trend against a failed one"
expect_eq "$(json_get "$OUT" "$shared[\"trend\"][\"wall_s\"][\"latest\"] == $shared[\"runs\"][-1][\"metrics\"][\"wall_s\"][\"median\"]")" "True" "latest is the completed run's"
expect_eq "$(json_get "$OUT" '[s["completed_runs"] for s in d["subjects"] if s["subject"] == "build:total"]')" "[1]" "build:total only from the complete call"
expect_eq "$(json_get "$OUT" '[len(s["runs"]) for s in d["subjects"] if s["subject"] == "build:@example/ui"]')" "[1]" "a skipped package recorded no run (only the fixed call's)"

run_farm perf:report --kind build
expect_rc 0 "perf:report text"
expect_contains "$OUT" "build · build:@example/shared  (4 runs, 3 failed)" "the text counts the failed runs"
expect_contains "$OUT" "3 failed, not used as numbers; newest: #" "the text says they are left out"
expect_contains "$OUT" "exit code 3 in run 1 of 1: build of @example/shared failed: shared: DATABASE_URL is not set" "the text gives the reason in the package's words"
expect_contains "$OUT" "    (the fallback postgres://app:***@localhost/app was refused)" "with its further lines, secrets masked"

# The HTML report draws the failed runs as crosses on the x axis, never as measurements.
run_farm perf:report --kind build --subject 'build:@example/shared' --export report.html
expect_rc 0 "perf:report --export html"
expect_eq "$(python3 -c 'import sys; t=open(sys.argv[1]).read(); print(t.count("<path class=\"failed-run\"") / t.count("<svg"))' report.html)" "3.0" "each chart marks the 3 failed runs with a cross"
expect_eq "$(python3 -c 'import sys; t=open(sys.argv[1]).read(); print(t.count("<circle class=\"dot\"") / t.count("<svg"))' report.html)" "1.0" "and the completed run alone with a dot"

finish
