#!/usr/bin/env bash
# perf:build on a real pnpm workspace (the bundled example) with real pnpm 9 and pnpm 12:
# install scenarios and their store hit rates, per-package builds in dependency order, output
# sizes, budgets, failures, and bad input.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
# the tests' own store, not the user's (pnpm 12 reads only the pnpm_config_ name)
export npm_config_store_dir="$WORK/store" pnpm_config_store_dir="$WORK/store"
copy_example() { # copy_example DEST: the example workspace without anything built or installed
    rm -rf "$1"
    cp -r "$src/examples/workspace" "$1"
    rm -rf "$1/node_modules" "$1"/packages/*/node_modules "$1"/packages/*/dist "$1/.farm"
}

for major in 9 12; do
    pnpm_bin=$("$src/scripts/ensure-pnpm.sh" "$major") || { fail "pnpm $major could not be installed"; continue; }
    copy_example ws
    tag="pnpm $major"

    # warm: one priming install fills the store, then every timed run is served by it.
    run_farm perf:build --pnpm "$pnpm_bin" --runs 2 --json ws
    expect_rc 0 "$tag: warm install + build"
    expect_eq "$(json_get "$OUT" 'd["schema"]')" "farm.project/1" "$tag: schema"
    expect_eq "$(json_get "$OUT" 'd["tools"]["pnpm"].split(".")[0]')" "$major" "$tag: the pnpm version is recorded"
    expect_eq "$(json_get "$OUT" 'd["install"]["store_hit_rate"]')" "1.0" "$tag: warm hit rate is 100%"
    expect_eq "$(json_get "$OUT" 'd["install"]["reused"]')" "2" "$tag: both registry packages reused"
    expect_eq "$(json_get "$OUT" 'd["install"]["import_method"] is not None')" "True" "$tag: import method"
    expect_eq "$(json_get "$OUT" '[p["name"] for p in d["packages"]]')" "['@example/shared', '@example/ui', '@example/web']" "$tag: dependency order"
    expect_eq "$(json_get "$OUT" 'd["packages"][2]["output"]["files"]')" "41" "$tag: web's output files"
    expect_eq "$(json_get "$OUT" 'd["packages"][2]["output"]["brotli_bytes"] < d["packages"][2]["output"]["gzip_bytes"] < d["packages"][2]["output"]["bytes"]')" "True" "$tag: brotli < gzip < raw"
    # The total of run k is the sum of the packages' run k.
    sums=$(json_get "$OUT" 'sorted(round(sum(p["runs"][k]["wall_s"] for p in d["packages"]), 9) for k in range(2))')
    expect_eq "$(json_get "$OUT" '[round(d["total"]["wall_s"]["min"], 9), round(d["total"]["wall_s"]["max"], 9)]')" "$sums" "$tag: build total = sum of the packages per run"

    # noop: node_modules kept, nothing to fetch (not a 0% hit rate).
    run_farm perf:build --pnpm "$pnpm_bin" --runs 2 --install noop --no-build --json ws
    expect_rc 0 "$tag: noop install"
    expect_eq "$(json_get "$OUT" 'd["install"]["store_hit_rate"]')" "None" "$tag: noop has no hit rate"
    expect_eq "$(json_get "$OUT" 'd["install"]["nothing_to_fetch"]')" "True" "$tag: noop says nothing to fetch"
    run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install noop --no-build ws
    expect_contains "$OUT" "nothing to fetch" "$tag: the table says nothing to fetch"

    # cold: an empty store every run, everything downloaded.
    run_farm perf:build --pnpm "$pnpm_bin" --runs 2 --install cold --no-build --json ws
    expect_rc 0 "$tag: cold install"
    expect_eq "$(json_get "$OUT" 'd["install"]["store_hit_rate"]')" "0.0" "$tag: cold hit rate is 0%"
    expect_eq "$(json_get "$OUT" 'd["install"]["downloaded"]')" "2" "$tag: cold downloads both packages"
    expect_eq "$(json_get "$OUT" 'd["install"]["bytes_downloaded"] > 0')" "True" "$tag: cold counts bytes"

    # The warm install needs no registry once the store is filled.
    run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --json ws
    npm_config_registry=http://127.0.0.1:9/ run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --json ws
    expect_rc 0 "$tag: warm install without a registry"
done

pnpm_bin=$("$src/scripts/ensure-pnpm.sh" 12)

# Subjects per package in the history.
run_farm perf:report --json --kind build
expect_contains "$OUT" '"build:@example/web"' "each package is a subject"
expect_contains "$OUT" '"build:total"' "the total is a subject"

# A failing build script: named package, its output tail, exit 3.
copy_example broken
echo 'console.error("ui exploded"); process.exit(2);' > broken/packages/ui/build.mjs
run_farm perf:build --pnpm "$pnpm_bin" --runs 2 broken
expect_rc 3 "a failing build exits 3"
expect_contains "$OUT" "build of @example/ui" "the failing package is named"
expect_contains "$OUT" "ui exploded" "its output tail is shown"

# Budgets: a breach exits 1, a generous one passes.
copy_example budget
cat > budget/farm.config.json <<'JSON'
{"build": {"budgets": [{"path": "packages/web/dist/**/*.js", "limit": "1 kB", "compression": "brotli"}]}}
JSON
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 budget
expect_rc 1 "a budget breach exits 1"
expect_contains "$OUT" "BUDGET OVER" "the breach is reported"
cat > budget/farm.config.json <<'JSON'
{"build": {"budgets": [{"path": "packages/web/dist/**/*.js", "limit": "50 MB", "compression": "gzip"}]}}
JSON
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install none budget
expect_rc 0 "a budget that holds"
expect_contains "$OUT" "budget ok" "the budget is reported as ok"

# Bad input.
mkdir empty
run_farm perf:build --pnpm "$pnpm_bin" empty
expect_rc 2 "not a pnpm project"
expect_contains "$ERR" "not a pnpm project" "says what it looked for"
run_farm perf:build --pnpm "$pnpm_bin" --script nope --runs 1 --install none budget
expect_rc 2 "a script no package has"
expect_contains "$ERR" '"nope"' "names the script"
copy_example malformed
printf '{\n  "name": "x"\n  "private": true\n}\n' > malformed/packages/ui/package.json
run_farm perf:build --pnpm "$pnpm_bin" malformed
expect_rc 2 "a malformed package.json"
expect_contains "$ERR" "packages/ui/package.json:3:3" "file, line and column"
PATH=/usr/bin:/bin FARM_PNPM= run_farm perf:build budget
expect_rc 2 "pnpm missing"
expect_contains "$ERR" "npm install -g pnpm" "says how to install pnpm"

# A project without a lockfile is left without one.
mkdir -p single && cat > single/package.json <<'JSON'
{"name": "single", "version": "1.0.0", "scripts": {"build": "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/a.js','x'.repeat(1000))\""}}
JSON
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --json single
expect_rc 0 "a single-package project"
expect_eq "$(json_get "$OUT" '[p["name"] for p in d["packages"]]')" "['single']" "one subject"
if [[ ! -e single/pnpm-lock.yaml ]]; then pass; else fail "farm left a lockfile pnpm created"; fi

finish
