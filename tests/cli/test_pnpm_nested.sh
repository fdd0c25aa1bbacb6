#!/usr/bin/env bash
# perf:build keeps pnpm under control all the way down: a lifecycle script's own `pnpm` runs the
# pnpm farm chose (found first on PATH, version management off) even when package.json names
# another version; pnpm's warnings are lines in words, stored; a failed install is explained
# without raw ndjson; with stderr piped (as in CI) every step's end prints an `[i/n]` line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

src="${FARM_SOURCE_DIR:?}"
# The tests' own store, not the user's (pnpm 11+ reads pnpm_config_*, pnpm 9/10 npm_config_*).
export npm_config_store_dir="$WORK/store" pnpm_config_store_dir="$WORK/store"

# PATH without any pnpm on it, so that a nested `pnpm` can only be the one farm puts there.
path_without_pnpm() {
    local dir kept="" IFS=:
    for dir in $PATH; do
        [[ -n "$dir" && ! -x "$dir/pnpm" ]] && kept="${kept:+$kept:}$dir"
    done
    echo "$kept"
}
clean_path=$(path_without_pnpm)

# nested_example DEST: the example workspace asking for pnpm@9.0.0, whose root postinstall
# writes the version of the `pnpm` it finds to nested.txt, and whose engines node cannot meet.
nested_example() {
    rm -rf "$1"
    cp -r "$src/examples/workspace" "$1"
    rm -rf "$1/node_modules" "$1"/packages/*/node_modules "$1"/packages/*/dist "$1/.farm"
    python3 - "$1/package.json" <<'PY'
import json, sys
path = sys.argv[1]
manifest = json.load(open(path))
manifest["packageManager"] = "pnpm@9.0.0"
manifest["engines"] = {"node": ">=99"}
manifest["scripts"]["postinstall"] = "pnpm --version > nested.txt"
json.dump(manifest, open(path, "w"), indent=2)
PY
}

for major in 10 12; do
    pnpm_bin=$("$src/scripts/ensure-pnpm.sh" "$major") || { fail "pnpm $major could not be installed"; continue; }
    version=$("$pnpm_bin" --version)
    tag="pnpm $major"

    nested_example ws
    PATH="$clean_path" run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --json ws
    expect_rc 0 "$tag: install + build of the nested example"
    # pnpm 10 would download and run pnpm 9.0.0 here, pnpm 12 would find no pnpm at all.
    expect_eq "$(cat ws/nested.txt 2>/dev/null)" "$version" "$tag: the postinstall's nested pnpm is farm's"
    expect_eq "$(json_get "$OUT" '[w["kind"] for w in d["install"]["warnings"]]')" "['engines']" "$tag: the engines warning"
    expect_contains "$(json_get "$OUT" 'd["install"]["warnings"][0]["text"]')" "engines mismatch: Unsupported engine" "$tag: the warning in words"
    stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select project from runs where subject like ? order by id desc limit 1", ("install:%",)).fetchone()[0])' "$FARM_DB")
    expect_contains "$stored" "engines mismatch" "$tag: the warning is stored with the install"
    # Piped stderr: the first step's start line, then every step's end with its time, in order
    # (quick steps' end lines may share a line: README "Progress").
    # The first line: the install's start (the untimed priming install's, when the store is cold).
    expect_eq "$(head -1 <<<"$ERR" | grep -cE '^\[(-|1/4)\] install \(warm(, priming, untimed)?\)$')" "1" \
        "$tag: the install's start line first: $ERR"
    expect_contains "$ERR" "[2/4] build @example/shared" "$tag: the first build is named"
    ends=$(grep -oE '\[[1-4]/4\] [^;]* ended after [0-9.]+ (µs|ms|s)' <<<"$ERR" | cut -d' ' -f1 | tr '\n' ' ')
    expect_eq "$ends" "[1/4] [2/4] [3/4] [4/4] " "$tag: each step's end line, once, in order: $ERR"
    expect_contains "$ERR" "[4/4] build @example/web ended after" "$tag: the last build's end line"

    # The text output shows the warning as one line.
    nested_example text
    PATH="$clean_path" run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --no-record text
    expect_rc 0 "$tag: the text output"
    expect_contains "$OUT" "warning: engines mismatch: Unsupported engine" "$tag: the warning line in the table"

    # A dependency the registry cannot give (the registry is a closed port): the failure in
    # words, pnpm's own message and the package, never pnpm's JSON lines.
    nested_example broken
    rm -f broken/pnpm-lock.yaml
    python3 - broken/packages/shared/package.json <<'PY'
import json, sys
path = sys.argv[1]
manifest = json.load(open(path))
manifest.setdefault("dependencies", {})["farm-no-such-package-d1"] = "1.0.0"
json.dump(manifest, open(path, "w"), indent=2)
PY
    PATH="$clean_path" npm_config_registry=http://127.0.0.1:9/ pnpm_config_registry=http://127.0.0.1:9/ \
        npm_config_fetch_retries=0 pnpm_config_fetch_retries=0 \
        run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --no-record broken
    expect_rc 3 "$tag: a failing install exits 3"
    # pnpm names the first package it could not fetch: is-number, picocolors or the missing one.
    expect_contains "$OUT" "pnpm says: " "$tag: pnpm's error is given"
    expect_contains "$OUT" "127.0.0.1:9/" "$tag: the registry and package it could not reach"
    expect_contains "$OUT" "[ERR_PNPM_" "$tag: pnpm's error code"
    expect_contains "$OUT" "engines mismatch" "$tag: the warning comes with the failure"
    expect_not_contains "$OUT$ERR" '"name":"pnpm' "$tag: no raw ndjson line"
    expect_not_contains "$OUT$ERR" '"prefix":' "$tag: not even a cut one"
done

# pnpm 10 ignores esbuild's and sharp's build scripts in the real monorepo: one line naming them.
if monorepo_install mono; then
    npm_config_store_dir="$MONOREPO_STORE" run_farm perf:build --pnpm "$(monorepo_pnpm)" --runs 1 --no-build --no-record --json mono
    expect_rc 0 "monorepo: warm install"
    ignored=$(json_get "$OUT" '[w["text"] for w in d["install"]["warnings"] if w["kind"] == "ignored_scripts"]')
    expect_contains "$ignored" "pnpm ignored the build scripts of" "monorepo: the ignored build scripts"
    expect_contains "$ignored" "esbuild@" "monorepo: esbuild is named"
    expect_contains "$ignored" "sharp@" "monorepo: sharp is named"
else
    fail "the monorepo fixture could not be installed"
fi

finish
