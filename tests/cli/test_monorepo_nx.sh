#!/usr/bin/env bash
# perf:build through real Nx (tests/fixtures/nx-workspace: nx from npm, three small packages, no
# Nx Cloud): the runner is detected from nx.json, the tasks and their cache status come from
# Nx's task profile, --build-state cached gives every task a hit; a failing library leaves its
# dependent skipped and, with --keep-going, the independent package built; the failure is told by
# the library's own lines. perf:dev at the Nx root with no dev.services: one service per package
# with a dev script, run with pnpm --filter, every process stopped afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

PNPM_BIN=$(monorepo_pnpm) || { fail "pnpm 10 unavailable"; finish; exit; }
nx_workspace_install "$WORK/nx" || { fail "the Nx workspace could not be installed"; finish; exit; }

packages='sorted(t["package"] for t in d["build"]["tasks"])'
by_package='dict(sorted((t["package"], t[KEY]) for t in d["build"]["tasks"]))'

# Detected (no --runner): a clean build runs every task, each a cache miss.
run_farm perf:build "$WORK/nx" --runs 1 --install none --pnpm "$PNPM_BIN" --json
expect_rc 0 "clean Nx build"
expect_eq "$(json_get "$OUT" 'd["build"]["runner"]')" "nx" "nx.json: the build runs through Nx"
expect_eq "$(json_get "$OUT" 'd["build"]["command"]')" "nx run-many -t build --skip-nx-cache --nx-bail" \
    "Nx's cache is bypassed in the clean state, and it stops at a failure without --keep-going"
expect_eq "$(json_get "$OUT" 'd["build"]["record_problems"]')" "[]" "Nx's task profile was read"
expect_eq "$(json_get "$OUT" "$packages")" "['@acme-nx/app', '@acme-nx/lib', '@acme-nx/tool']" \
    "one task per package"
expect_eq "$(json_get "$OUT" 'sorted(t["id"] for t in d["build"]["tasks"])[1]')" "@acme-nx/lib:build" \
    "tasks in Nx's own names"
expect_eq "$(json_get "$OUT" "${by_package/KEY/\"status\"}")" \
    "{'@acme-nx/app': 'ok', '@acme-nx/lib': 'ok', '@acme-nx/tool': 'ok'}" "every task ok"
expect_eq "$(json_get "$OUT" 'sorted(set(t["cache"] for t in d["build"]["tasks"]))')" "['miss']" \
    "a clean build misses Nx's cache"
expect_eq "$(json_get "$OUT" 'all(t["duration_s"] > 0 for t in d["build"]["tasks"])')" "True" \
    "each task has its duration"
expect_eq "$(json_get "$OUT" '[t["output"]["files"] for t in d["build"]["tasks"] if t["package"] == "@acme-nx/app"]')" \
    "[1]" "the app's dist is measured"
expect_eq "$(json_get "$OUT" 'd["build"]["total"]["wall_s"]["median"] > 0')" "True" \
    "build:total is Nx's wall time"

# --runner nx named, the cache kept: a warm-up fills Nx's cache and every timed task is a hit.
run_farm perf:build "$WORK/nx" --runner nx --runs 1 --install none --pnpm "$PNPM_BIN" \
    --build-state cached --json
expect_rc 0 "cached Nx build"
expect_eq "$(json_get "$OUT" 'd["build"]["cache"]')" "{'hits': 3, 'misses': 0}" "every task a hit"
expect_eq "$(json_get "$OUT" 'd["build"]["command"]')" "nx run-many -t build --nx-bail" \
    "the cached state keeps Nx's cache"
subjects=$(python3 -c 'import sqlite3,sys; print(sorted(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select distinct subject from runs")))' "$FARM_DB")
expect_contains "$subjects" "'build:total:cached'" "the cached build has its own subject"
expect_contains "$subjects" "'build:@acme-nx/app'" "a task recorded under its package"

# The library fails: its dependent is skipped, the independent tool still built (Nx's default,
# which --keep-going keeps), the library's own message stored with the failed run.
mv "$WORK/nx/packages/lib/build.mjs" "$WORK/nx/lib-build.mjs"
echo 'console.log("lib: reading the schema"); console.error("lib: DATABASE_URL is not set"); process.exit(3);' \
    >"$WORK/nx/packages/lib/build.mjs"
# In words first: the library's own lines (Nx prints them on stdout, its summary on stderr), not
# pnpm's ELIFECYCLE nor where Nx wrote its profile.
run_farm perf:build "$WORK/nx" --runs 1 --install none --pnpm "$PNPM_BIN" --keep-going
expect_rc 3 "a failed Nx build exits 3"
expect_contains "$OUT" "nx build: @acme-nx/lib:build failed: lib: reading the schema
    lib: DATABASE_URL is not set
    (run 1 failed (exit code 1))" "the failure is told by the library's own lines"
expect_not_contains "$OUT" "ELIFECYCLE" "pnpm's lines are left out"
expect_not_contains "$OUT" "Performance Profile" "Nx's lines are left out"
run_farm perf:build "$WORK/nx" --runs 1 --install none --pnpm "$PNPM_BIN" --keep-going --json
expect_rc 3 "a failed Nx build exits 3"
expect_eq "$(json_get "$OUT" '[t["error"] for t in d["build"]["tasks"] if t["package"] == "@acme-nx/lib"][0]')" \
    "lib: reading the schema
lib: DATABASE_URL is not set" "the failed task's error is its own last lines"
expect_eq "$(json_get "$OUT" "${by_package/KEY/\"status\"}")" \
    "{'@acme-nx/app': 'skipped', '@acme-nx/lib': 'failed', '@acme-nx/tool': 'ok'}" \
    "failed, the independent one built, the dependent skipped"
expect_eq "$(json_get "$OUT" "${by_package/KEY/\"blocked_by\"}[\"@acme-nx/app\"]")" "@acme-nx/lib" \
    "the skipped app names the library"
expect_eq "$(json_get "$OUT" 'd["build"]["total"]')" "None" "a failed build is no total"
run_farm perf:report --kind build --json
expect_contains "$(json_get "$OUT" '[s["newest_failure"]["message"] for s in d["subjects"] if s["subject"] == "build:total"][0]')" \
    "@acme-nx/lib:build failed: lib: reading the schema" "perf:report keeps which task failed, in its words"
expect_contains "$(json_get "$OUT" '[s["newest_failure"]["message"] for s in d["subjects"] if s["subject"] == "build:total"][0]')" \
    "lib: DATABASE_URL is not set" "down to its last line"
expect_eq "$(json_get "$OUT" '[s["newest_failure"]["message"].splitlines()[-1] for s in d["subjects"] if s["subject"] == "build:@acme-nx/lib"][0]')" \
    "lib: DATABASE_URL is not set" "and the task's own run says it too"

# perf:dev at the Nx root, no farm.config.json: the two packages with a dev script (each a small
# server that prints its address, as Vite does) are the services, the tool without one is not.
for package in app lib; do
    cat >"$WORK/nx/packages/$package/dev.mjs" <<'JS'
import http from "node:http";
const server = http.createServer((req, res) => res.end("dev server of " + process.cwd()));
server.listen(0, "127.0.0.1", () => {
    console.log(`  ➜  Local:   http://localhost:${server.address().port}/`);
});
JS
    python3 - "$WORK/nx/packages/$package/package.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["scripts"]["dev"] = "node dev.mjs"
json.dump(manifest, open(sys.argv[1], "w"), indent=2)
PY
done
rm -f "$WORK/nx/farm.config.json"
PATH="$(dirname "$PNPM_BIN"):$PATH" npm_config_manage_package_manager_versions=false \
    run_farm perf:dev "$WORK/nx" --runs 1 --reloads 0 --duration 0 --timeout 60 --json --no-record
expect_rc 0 "perf:dev at the Nx root ($ERR)"
expect_eq "$(json_get "$OUT" '",".join(s["name"] for s in d["services"])')" "@acme-nx/app,@acme-nx/lib" \
    "one service per package with a dev script"
expect_eq "$(json_get "$OUT" '[s["command"] for s in d["services"]]')" \
    "['pnpm --filter @acme-nx/app run dev', 'pnpm --filter @acme-nx/lib run dev']" \
    "each run with pnpm --filter"
expect_eq "$(json_get "$OUT" 'all(len(s["startup_s"]["values"]) == 1 for s in d["services"])')" "True" \
    "each was ready at the address it printed"
for pid in $(json_get "$OUT" '" ".join(str(p) for p in d["service_pids"])'); do
    alive=""
    if [[ -d /proc/$pid ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
        alive=yes
    fi
    if [[ -n "$alive" ]] || pgrep -g "$pid" >/dev/null; then
        fail "service process $pid (or its group) still runs"
    else
        pass
    fi
done

finish
