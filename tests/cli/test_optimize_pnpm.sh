#!/usr/bin/env bash
# optimize:pnpm against real pnpm 9 (settings in .npmrc) and the newest pnpm (settings in
# pnpm-workspace.yaml), on every configuration file of the fixture corpus: the lines farm does
# not own stay byte for byte, pnpm itself reads the new values, a second run changes nothing,
# --check and --dry-run write nothing, and bad input leaves every file as it was.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
fixtures="$src/tests/fixtures"
export npm_config_store_dir="$WORK/store" pnpm_config_store_dir="$WORK/store"
# The corpus refers to tokens as CI provides them; pnpm 9 reads nothing from an .npmrc whose
# variables are unset (tested on its own below). Dummy values: nothing here talks to a registry.
export GITHUB_TOKEN=dummy-token NPM_TOKEN=dummy-token

# lines_kept BEFORE AFTER: every line of BEFORE is in AFTER, in order (an added or edited value
# line is allowed to differ), checked with Python independently of farm's own editors.
lines_kept() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
before = open(sys.argv[1], 'rb').read().split(b'\n')
after = open(sys.argv[2], 'rb').read().split(b'\n')
owned = set(k.encode() for k in sys.argv[3].split(',') if k)
j = 0
for line in before:
    key = line.split(b'=')[0].split(b':')[0].strip()
    k = j
    while k < len(after) and after[k] != line:
        k += 1
    if k == len(after):
        if key in owned:
            continue  # a value farm changed
        print("lost:", line)
        sys.exit(1)
    j = k + 1
PY
}

# project DIR PNPM_VERSION: a single-package pnpm project that asks for that pnpm.
project() {
    rm -rf "$1" && mkdir -p "$1"
    printf '{"name":"fixture","version":"1.0.0","packageManager":"pnpm@%s"}\n' "$2" >"$1/package.json"
}

refused=""
for major in 9 12; do
    pnpm_bin=$("$src/scripts/ensure-pnpm.sh" "$major") || { fail "pnpm $major could not be installed"; continue; }
    version=$(npm_config_manage_package_manager_versions=false "$pnpm_bin" --version)
    config_get() { (cd "$1" && npm_config_manage_package_manager_versions=false "$pnpm_bin" config get "$2" 2>/dev/null | tail -1); }

    for fixture in "$fixtures"/npmrc/*.npmrc "$fixtures"/workspace_yaml/*.yaml; do
        name=$(basename "$fixture")
        tag="pnpm $major, $name"
        dir="p-$major-$name"
        project "$dir" "$version"
        case "$fixture" in
        *.npmrc) file=.npmrc ;;
        *) file=pnpm-workspace.yaml ;;
        esac
        cp "$fixture" "$dir/$file"
        cp "$dir/$file" "$WORK/original"

        run_farm optimize:pnpm --pnpm "$pnpm_bin" --json "$dir"
        if [[ "$RC" == 2 ]]; then
            # Refused (a line farm cannot read, a structure it does not rewrite): untouched.
            expect_contains "$ERR" "$file:" "$tag: the refusal names the file and line"
            cmp -s "$fixture" "$dir/$file" && pass || fail "$tag: a refused file was changed"
            expect_eq "$(ls -A "$dir" | tr '\n' ' ')" "$(printf '%s\n' package.json "$file" | sort | tr '\n' ' ')" \
                "$tag: nothing else written"
            refused+=" $major:$name"
            continue
        fi
        expect_rc 0 "$tag: optimize:pnpm"
        target=$(json_get "$OUT" 'd["settings_file"]')
        [[ $major == 9 ]] && expect_eq "$target" ".npmrc" "$tag: pnpm 9 reads .npmrc"
        [[ $major == 12 ]] && expect_eq "$target" "pnpm-workspace.yaml" "$tag: pnpm 12 reads the YAML"
        keys=$(json_get "$OUT" '",".join(c["key"] for c in d["changes"])')
        # Every new value, as pnpm itself reads it.
        for pair in $(json_get "$OUT" '" ".join(c["key"] + "=" + c["new"] for c in d["changes"])'); do
            expect_eq "$(config_get "$dir" "${pair%%=*}")" "${pair#*=}" "$tag: pnpm reads ${pair%%=*}"
        done
        expect_eq "$(json_get "$OUT" 'sorted(d["verified_by_pnpm"]) == sorted(c["key"] for c in d["changes"])')" "True" \
            "$tag: farm verified every change with pnpm"
        # The original file: every line kept, or kept in the backup when another file was edited.
        if [[ "$target" == "$file" ]]; then
            lines_kept "$WORK/original" "$dir/$file" "$keys" && pass || fail "$tag: a line farm does not own changed"
            if [[ -n "$keys" ]]; then
                backup=$(json_get "$OUT" 'd["backups"][0]')
                expect_contains "$backup" "$dir/.farm/backups/$file." "$tag: the backup is in .farm/backups"
                cmp -s "$fixture" "$backup" && pass || fail "$tag: the backup holds the old bytes"
            else
                cmp -s "$fixture" "$dir/$file" && pass || fail "$tag: nothing to change, yet the file changed"
            fi
            if grep -q $'\r' "$fixture"; then
                [[ $(grep -c $'\r$' "$dir/$file") == $(wc -l <"$dir/$file") ]] && pass || fail "$tag: CRLF kept on every line"
            fi
        else
            cmp -s "$fixture" "$dir/$file" && pass || fail "$tag: the file pnpm $major does not read was changed"
        fi
        # Auth and registry lines are never touched.
        grep -E '_auth|registry=|proxy|cafile|strict-ssl' "$fixture" >"$WORK/auth-before" || true
        grep -E '_auth|registry=|proxy|cafile|strict-ssl' "$dir/.npmrc" >"$WORK/auth-after" 2>/dev/null || true
        cmp -s "$WORK/auth-before" "$WORK/auth-after" && pass || fail "$tag: auth or registry lines changed"

        cp -r "$dir" "$dir.second"
        run_farm optimize:pnpm --pnpm "$pnpm_bin" "$dir"
        expect_rc 0 "$tag: second run"
        expect_contains "$OUT" "nothing to change" "$tag: a second run is a no-op"
        diff -r "$dir" "$dir.second" >/dev/null && pass || fail "$tag: a second run wrote something"
        run_farm optimize:pnpm --pnpm "$pnpm_bin" --check "$dir"
        expect_rc 0 "$tag: --check after optimising"
    done

    # --check and --dry-run write nothing; --check exits 1 when something would change.
    project "chk-$major" "$version"
    run_farm optimize:pnpm --pnpm "$pnpm_bin" --check "chk-$major"
    expect_rc 0 "pnpm $major: --check with nothing to change"
    run_farm optimize:pnpm --pnpm "$pnpm_bin" --layout --check "chk-$major"
    expect_rc 1 "pnpm $major: --check with settings to change"
    expect_contains "$OUT" "+++ b/" "pnpm $major: --check prints the diff"
    run_farm optimize:pnpm --pnpm "$pnpm_bin" --layout --dry-run "chk-$major"
    expect_rc 0 "pnpm $major: --dry-run"
    expect_contains "$OUT" "dry run: nothing was written" "pnpm $major: --dry-run says so"
    expect_eq "$(ls -A "chk-$major")" "package.json" "pnpm $major: --check and --dry-run wrote nothing"
done

# The corpus holds one .npmrc with a line npm cannot read: pnpm 9's file, so it is refused.
expect_contains "$refused" "9:comments-duplicates.npmrc" "an unreadable .npmrc is refused"

pnpm12=$("$src/scripts/ensure-pnpm.sh" 12)
pnpm10=$("$src/scripts/ensure-pnpm.sh" 10)
pnpm9=$("$src/scripts/ensure-pnpm.sh" 9)
v10=$(npm_config_manage_package_manager_versions=false "$pnpm10" --version)

# pnpm 9 with an unset ${VAR} in .npmrc answers `undefined` for every key: farm says why and
# falls back to parsing the file back, and never prints the token.
project unset 9.15.9
cp "$fixtures/npmrc/crlf-auth.npmrc" unset/.npmrc
unset GITHUB_TOKEN
run_farm optimize:pnpm --pnpm "$pnpm9" --layout unset
export GITHUB_TOKEN=dummy-token
expect_rc 0 "unset variable"
expect_contains "$OUT" '${GITHUB_TOKEN}, which is not set here' "unset variable: says which"
expect_contains "$OUT" 'checked by parsing the file back' "unset variable: says how it was checked"
expect_not_contains "$OUT$ERR" "dummy-token" "unset variable: no token printed"

# A single-package project on pnpm 10 gets a pnpm-workspace.yaml without `packages:`.
project single "$v10"
run_farm optimize:pnpm --pnpm "$pnpm10" --no-backup single
expect_rc 0 "single package: created the YAML"
expect_contains "$OUT" "created single/pnpm-workspace.yaml" "single package: says it created the file"
if grep -q '^packages' single/pnpm-workspace.yaml; then fail "single package: no packages list"; else pass; fi

# --migrate moves .npmrc settings into the YAML and leaves the auth lines alone.
project mig 12.21.0
cp "$fixtures/npmrc/crlf-auth.npmrc" mig/.npmrc
run_farm optimize:pnpm --pnpm "$pnpm12" --migrate --json mig
expect_rc 0 "--migrate"
expect_eq "$(grep -c 'concurrency' mig/.npmrc)" "0" "--migrate: settings left .npmrc"
expect_contains "$(cat mig/pnpm-workspace.yaml)" "networkConcurrency: 32" "--migrate: moved as camelCase"
grep -E '_auth|registry=|cafile' "$fixtures/npmrc/crlf-auth.npmrc" >"$WORK/a1"
grep -E '_auth|registry=|cafile' mig/.npmrc >"$WORK/a2"
cmp -s "$WORK/a1" "$WORK/a2" && pass || fail "--migrate: auth lines kept byte for byte"

# --layout adds nodeLinker with a warning.
project lay 12.21.0
run_farm optimize:pnpm --pnpm "$pnpm12" --layout --dry-run lay
expect_contains "$OUT" "nodeLinker: hoisted" "--layout: nodeLinker"
expect_contains "$OUT" "WARNING: changes the node_modules layout" "--layout: warning"

# Bad input. A YAML that does not parse: refused with line and column, untouched.
project bad 12.21.0
printf 'packages:\n  - a\n bad: [\n' >bad/pnpm-workspace.yaml
cp bad/pnpm-workspace.yaml "$WORK/bad-before"
run_farm optimize:pnpm --pnpm "$pnpm12" bad
expect_rc 2 "unparseable YAML"
expect_contains "$ERR" "pnpm-workspace.yaml:" "unparseable YAML: names the file"
cmp -s "$WORK/bad-before" bad/pnpm-workspace.yaml && pass || fail "unparseable YAML was changed"

# A read-only file: refused, nothing half-written, no temporary file left.
project ro 12.21.0
printf 'packages: []\n' >ro/pnpm-workspace.yaml
chmod 0444 ro/pnpm-workspace.yaml
run_farm optimize:pnpm --pnpm "$pnpm12" --layout ro
expect_rc 2 "read-only file"
expect_contains "$ERR" "read-only" "read-only file: says so"
expect_eq "$(cat ro/pnpm-workspace.yaml)" "packages: []" "read-only file: unchanged"
expect_eq "$(ls -A ro | tr '\n' ' ')" "package.json pnpm-workspace.yaml " "read-only file: no temporary or backup file"

# Unknown pnpm version: says what it found, writes nothing, unless --pnpm-version.
project future 13.0.0
run_farm optimize:pnpm --pnpm "$pnpm12" future
expect_rc 2 "unknown version"
expect_contains "$ERR" 'pnpm@13.0.0' "unknown version: says what it found"
expect_eq "$(ls -A future)" "package.json" "unknown version: nothing written"
run_farm optimize:pnpm --pnpm "$pnpm12" --pnpm-version 12.21 future
expect_rc 0 "--pnpm-version overrides"

# Not a pnpm project.
mkdir -p notpnpm && echo '{"name":"x"}' >notpnpm/package.json
run_farm optimize:pnpm --pnpm "$pnpm12" notpnpm
expect_rc 2 "not a pnpm project"
expect_contains "$ERR" "not a pnpm project" "not a pnpm project: says so"
expect_contains "$ERR" "pnpm-lock.yaml" "not a pnpm project: says what was looked for"
mkdir -p empty
run_farm optimize:pnpm --pnpm "$pnpm12" empty
expect_rc 2 "no package.json"

# --measure: interleaved warm installs of the example workspace, both sides recorded, and the
# settings files exactly as they were after a --dry-run.
rm -rf ws && cp -r "$src/examples/workspace" ws && rm -rf ws/node_modules ws/packages/*/node_modules ws/.farm
cp ws/pnpm-workspace.yaml "$WORK/ws-before"
run_farm optimize:pnpm --pnpm "$pnpm12" --layout --measure --runs 4 --dry-run --json ws
expect_rc 0 "--measure"
expect_eq "$(json_get "$OUT" 'len(d["measure"]["run_ids"])')" "2" "--measure: two runs recorded"
expect_eq "$(json_get "$OUT" 'd["measure"]["before_median_s"] > 0 and d["measure"]["after_median_s"] > 0')" "True" "--measure: both sides timed"
expect_eq "$(runs_in_db)" "2" "--measure: stored in the history"
cmp -s "$WORK/ws-before" ws/pnpm-workspace.yaml && pass || fail "--measure --dry-run left the settings changed"

# `farm optimize`: the pnpm settings as one prioritised list with the history's advice, written
# only with --apply.
project all "$v10"
pnpm_bin=$pnpm10
cd all
run_farm optimize --pnpm "$pnpm10" --db "$WORK/empty.db" --json
expect_rc 0 "farm optimize"
expect_eq "$(json_get "$OUT" 'sorted(set(r["rule"] for r in d["recommendations"] if r["area"] == "pnpm"))')" "['pnpm_note', 'pnpm_setting']" "farm optimize: pnpm settings listed, and the advice on --prefer-offline"
expect_eq "$(json_get "$OUT" 'len(d["skipped"])')" "3" "farm optimize: no history for builds, AI and dev services, said"
expect_eq "$(ls -A)" "package.json" "farm optimize: a dry run by default"
run_farm optimize --pnpm "$pnpm10" --apply
expect_rc 0 "farm optimize --apply"
expect_eq "$(config_get . optimisticRepeatInstall)" "true" "farm optimize --apply: written and read by pnpm"
run_farm optimize --pnpm "$pnpm10" --db "$WORK/empty.db" --json
expect_eq "$(json_get "$OUT" 'len([r for r in d["recommendations"] if r["rule"] == "pnpm_setting"])')" "0" "farm optimize after --apply: nothing left"
cd ..

finish
