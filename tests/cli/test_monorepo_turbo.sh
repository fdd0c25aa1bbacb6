#!/usr/bin/env bash
# perf:build on a real pnpm + turbo monorepo (tests/fixtures/monorepo): the build is measured
# through turbo (`turbo run build --summarize`), its tasks come from turbo's run summary, and
# --build-state decides what each run starts from. Two full builds in all (next build dominates).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

PNPM_BIN=$(monorepo_pnpm) || { echo "pnpm 10 unavailable"; exit 1; }
monorepo_install "$WORK/repo" || { echo "monorepo install failed"; exit 1; }

# A clean build (the default state): every task runs, so every task is a cache miss.
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --json
expect_rc 0 "clean turbo build"
expect_eq "$(json_get "$OUT" '[t["output"]["source"] for t in d["build"]["tasks"] if t["package"] == "@acme/web"][0]')" \
    "Next.js: .next/static" "through turbo too, the Next app's output is what the browser gets"
expect_eq "$(json_get "$OUT" 'd["build"]["runner"]')" "turbo" "the runner is detected"
expect_eq "$(json_get "$OUT" 'd["build"]["state"]')" "clean" "the state is stated"
expect_eq "$(json_get "$OUT" 'sorted(t["package"] for t in d["build"]["tasks"])')" \
    "['@acme/lib', '@acme/site', '@acme/web']" "one task per package"
expect_eq "$(json_get "$OUT" '[t["cache"] for t in d["build"]["tasks"]]')" \
    "['miss', 'miss', 'miss']" "a clean build misses turbo's cache"
expect_eq "$(json_get "$OUT" 'all(t["duration_s"] > 0 and t["status"] == "ok" for t in d["build"]["tasks"])')" \
    "True" "each task has its duration"
expect_eq "$(json_get "$OUT" 'd["build"]["total"]["wall_s"]["median"] > 0')" "True" \
    "build:total is turbo's wall time"
expect_eq "$(json_get "$OUT" 'd["build"]["critical_path"][0]')" "@acme/lib#build" \
    "the critical path starts with the library"
expect_eq "$(json_get "$OUT" 'd["build"]["parallelism"] > 0')" "True" "parallelism achieved"
expect_eq "$(json_get "$OUT" 'd["build"]["command"]')" "turbo run build --summarize --force" \
    "turbo's cache is bypassed in the clean state"
expect_eq "$(json_get "$OUT" 'd["build"]["record_problems"]')" "[]" "the run summary was read"
expect_eq "$(ls "$WORK/repo/.turbo/runs" 2>/dev/null | wc -l)" "0" \
    "the run summaries farm caused are removed"
subjects=$(python3 -c 'import sqlite3,sys; print(sorted(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select distinct subject from runs")))' "$FARM_DB")
expect_contains "$subjects" "'build:total'" "build:total recorded"
expect_contains "$subjects" "'build:serial_sum'" "build:serial_sum recorded"
expect_contains "$subjects" "'build:@acme/web'" "the task of a package recorded under its name"

# The cached state: turbo's cache kept and filled by a warm-up, so every timed task is a hit.
run_farm perf:build "$WORK/repo" --runs 1 --install none --pnpm "$PNPM_BIN" --build-state cached \
    --output-dir dist
expect_rc 0 "cached turbo build"
expect_contains "$OUT" "build (turbo run build, build state cached)" "the state is stated"
expect_contains "$OUT" "= turbo run build, wall time, median of 1 run" "build:total is explained"
expect_contains "$OUT" "cache: 3 hits, 0 misses over 1 run " "every task a hit"
expect_not_contains "$OUT" "parallelism achieved" "no parallelism where nothing ran"
expect_not_contains "$OUT" "turbo or nx" "a turbo repo is never told to adopt turbo"

# turbo.json that does not parse: where, before anything is installed or built.
monorepo_copy "$WORK/broken"
printf '{\n  // turbo reads comments\n  "tasks": {\n    "build": { "dependsOn": ["^build"] "outputs": [] }\n  }\n}\n' \
    >"$WORK/broken/turbo.json"
run_farm perf:build "$WORK/broken" --runs 1 --install none --pnpm "$PNPM_BIN"
expect_rc 2 "broken turbo.json"
expect_contains "$ERR" "turbo.json:4:40:" "the line and column of the error"

# turbo.json present, turbo not installed: say how to install it or how to measure without it.
monorepo_copy "$WORK/bare"
run_farm perf:build "$WORK/bare" --runs 1 --install none --pnpm "$PNPM_BIN"
expect_rc 2 "turbo not installed"
expect_contains "$ERR" "--runner pnpm" "the way out"
expect_contains "$ERR" "pnpm install" "how to install it"

finish
