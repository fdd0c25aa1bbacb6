#!/usr/bin/env bash
# optimize:pnpm --measure runs, for real, the installs that show what it judges, with no
# registry: repeat installs (node_modules kept, from a filled store) for optimisticRepeatInstall
# on pnpm 10, cold installs (an empty scratch store, every tarball fetched, here from a local
# server) for the workspace resolution settings. Both sides are recorded, the files stay as
# they were unless the change is proven (and pnpm reads what was written when it is) or
# --apply-anyway is given, nothing of the scratch store is left; the progress bar shows each side's installs on a terminal and
# milestone lines in a log; the result fits 80 columns.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

src="${FARM_SOURCE_DIR:?}"
PTY="$src/tests/cli/pty_run.py"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_STATE_HOME="$WORK/home/.state"
mkdir -p "$HOME"
pnpm10=$(monorepo_pnpm) || fail "pnpm 10 could not be installed"
quiet() { npm_config_manage_package_manager_versions=false pnpm_config_manage_package_manager_versions=false "$@"; }

# The example workspace's packages: a store shared by the test run (the registry is asked by
# the first run only), and their two tarballs kept beside it for the cold installs.
fixture_install "$src/examples/workspace" example-workspace seed || fail "the example workspace did not install"
store="$MONOREPO_CACHE/example-workspace-store"
tarballs="$MONOREPO_CACHE/example-workspace-tarballs"
(
    flock 9
    for package in is-number/-/is-number-7.0.0.tgz picocolors/-/picocolors-1.1.1.tgz; do
        [[ -s "$tarballs/$package" ]] && continue
        mkdir -p "$(dirname "$tarballs/$package")"
        curl -sfL -o "$tarballs/$package.part" "https://registry.npmjs.org/$package" &&
            mv "$tarballs/$package.part" "$tarballs/$package"
    done
) 9>"$MONOREPO_CACHE/example-workspace-tarballs.lock"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tarballs" >"$WORK/registry.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
    port=$(grep -o 'port [0-9]*' "$WORK/registry.log" | head -1 | cut -d' ' -f2)
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || fail "the local tarball server did not start"
# From here on pnpm sees no other registry than the local one, and the shared store.
export npm_config_registry="http://127.0.0.1:$port/" pnpm_config_registry="http://127.0.0.1:$port/"
export npm_config_store_dir="$store" pnpm_config_store_dir="$store"

# workspace DIR: the example workspace, not installed.
workspace() {
    rm -rf "$1" && cp -r "$src/examples/workspace" "$1"
    rm -rf "$1/node_modules" "$1"/packages/*/node_modules "$1/.farm"
}

# --- repeat installs for optimisticRepeatInstall (pnpm 10), on a terminal -------------------
workspace rep
cp rep/pnpm-workspace.yaml "$WORK/rep-before"
env -u NO_COLOR PYTHONCOERCECLOCALE=0 TERM=xterm-256color LANG=C.UTF-8 LC_ALL= COLUMNS=80 \
    python3 "$PTY" --columns 80 --stdout "$WORK/rep.json" rep.tty -- \
    "$FARM" optimize:pnpm --pnpm "$pnpm10" --measure --runs 4 --json rep
RC=$?
OUT=$(cat "$WORK/rep.json")
expect_rc 0 "repeat: --measure"
expect_eq "$(json_get "$OUT" '[c["key"] + " " + c["judged_by"] for c in d["changes"]]')" \
    "['optimisticRepeatInstall repeat']" "repeat: the change is judged by repeat installs"
expect_eq "$(json_get "$OUT" 'd["measure"]["install"]')" "noop" "repeat: node_modules kept between installs"
expect_eq "$(json_get "$OUT" 'd["measure"]["command"].endswith("install --frozen-lockfile")')" "True" \
    "repeat: a plain frozen install, without --prefer-offline"
expect_eq "$(json_get "$OUT" 'd["measure"]["runs_per_side"]')" "4" "repeat: 4 installs a side"
expect_eq "$(json_get "$OUT" 'd["measure"]["before_median_s"] > 0 and d["measure"]["after_median_s"] > 0')" \
    "True" "repeat: both sides timed"
expect_eq "$(runs_in_db)" "2" "repeat: both sides recorded"
expect_eq "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select group_concat(subject) from (select subject from runs order by id)").fetchone()[0])' "$FARM_DB")" \
    "optimize:pnpm:before,optimize:pnpm:after" "repeat: recorded as before and after"
# Written exactly when proven, and then read by pnpm; else byte for byte as it was.
proven=$(json_get "$OUT" 'd["measure"]["proven_faster"]')
expect_eq "$(json_get "$OUT" 'd["written"]')" "$proven" "repeat: written only when proven"
if [[ "$proven" == True ]]; then
    expect_eq "$(cd rep && quiet "$pnpm10" config get optimisticRepeatInstall 2>/dev/null | tail -1)" "true" \
        "repeat: pnpm reads what was written"
else
    cmp -s "$WORK/rep-before" rep/pnpm-workspace.yaml && pass || fail "repeat: not proven, but the file changed"
    expect_eq "$(json_get "$OUT" 'd["not_written_because"] == d["measure"]["why_not"] != ""')" "True" \
        "repeat: says why not"
fi
# The progress bar: each side's installs, erased at the end; nothing of it on stdout.
tty_has() { python3 -c 'import re,sys; t=open(sys.argv[1],encoding="utf-8",errors="replace",newline="").read(); print(eval(sys.argv[2]))' "$1" "$2"; }
expect_eq "$(tty_has rep.tty 're.search(r"before settings  install [1-4]/4", t) is not None and re.search(r"after settings  install [1-4]/4", t) is not None')" \
    "True" "progress: each side's installs on the bar"
expect_eq "$(tty_has rep.tty '"█" in t and t.endswith("\r\x1b[K")')" "True" "progress: a bar, erased at the end"
expect_eq "$(tty_has rep.tty 'all(len(re.sub(r"\x1b\[[0-9;]*[mK]", "", f)) <= 79 for f in t.split("\r"))')" \
    "True" "progress: every frame fits 80 columns"
expect_not_contains "$OUT" $'\033' "progress: nothing of it on stdout"

# --- cold installs for the workspace resolution settings, in a log ----------------------------
# web names @example/ui without `workspace:` (its lockfile entry still links it), so
# --workspace-settings proposes linkWorkspacePackages, judged by cold installs.
workspace cold
sed -i 's|"@example/ui": "workspace:\*"|"@example/ui": "1.0.0"|' cold/packages/web/package.json
python3 - cold/pnpm-lock.yaml <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
web = text.index("  packages/web:")
ui = text.index("'@example/ui':", web)
text = text[:ui] + text[ui:].replace("specifier: workspace:*", "specifier: 1.0.0", 1)
open(path, "w").write(text)
PY
cp cold/pnpm-workspace.yaml "$WORK/cold-before"
requests_before=$(grep -c 'GET /is-number/-/is-number-7.0.0.tgz' "$WORK/registry.log")
COLUMNS=80 run_farm optimize:pnpm --pnpm "$pnpm10" --workspace-settings --measure --runs 4 \
    --apply-anyway --no-backup cold
expect_rc 0 "cold: --measure"
expect_contains "$OUT" "+ linkWorkspacePackages: true" "cold: the resolution setting proposed"
expect_contains "$OUT" "cold install (empty store and metadata cache), 4 runs a side" "cold: cold installs"
expect_contains "$OUT" "--store-dir=$WORK/cold/.farm/pnpm-scratch-" "cold: the scratch store inside the project"
downloads=$(($(grep -c 'GET /is-number/-/is-number-7.0.0.tgz' "$WORK/registry.log") - requests_before))
expect_eq "$((downloads >= 8))" "1" "cold: every timed install downloaded its tarballs ($downloads)"
# --apply-anyway: written whatever the verdict, and read by pnpm.
expect_contains "$OUT" "wrote cold/pnpm-workspace.yaml" "cold: --apply-anyway writes"
expect_eq "$(diff "$WORK/cold-before" cold/pnpm-workspace.yaml | grep '^>' | tr '\n' ' ')" \
    "> optimisticRepeatInstall: true > linkWorkspacePackages: true > preferWorkspacePackages: true " \
    "cold: --apply-anyway: the three lines added"
expect_eq "$(cd cold && quiet "$pnpm10" config get linkWorkspacePackages 2>/dev/null | tail -1)" "true" \
    "cold: pnpm reads what --apply-anyway wrote"
expect_eq "$(ls -A cold/.farm 2>/dev/null | grep -c pnpm-scratch)" "0" "cold: the scratch store is gone"
expect_eq "$(readlink cold/packages/web/node_modules/@example/ui)" "../../../ui" "cold: node_modules left installed"
expect_eq "$(runs_in_db)" "4" "cold: both sides recorded"
# The result: a table of the two sides, every line within 80 columns (diffs aside).
expect_eq "$(grep -cE '^ *(before|after) +[0-9.]+ (ms|s)( |$)' <<<"$OUT")" "2" "cold: the two sides as table rows"
long=$(grep -vE '^(---|\+\+\+|@@|[-+ ])' <<<"$OUT" | awk 'length($0) > 80' | head -3)
expect_eq "$long" "" "cold: every line of the result fits 80 columns"
# In a log: milestone lines, no bar.
expect_contains "$ERR" "optimize:pnpm: " "progress in a log: milestone lines"
expect_not_contains "$ERR" "█" "progress in a log: no bar"

# --- --user: the user's own config is tried in the same installs and written under the same
# verdict (only machines with more than 5 cores get a user setting: childConcurrency) ---------
pnpm12=$("$src/scripts/ensure-pnpm.sh" 12) || fail "pnpm 12 could not be installed"
workspace own
if (($(nproc) > 5)); then
    run_farm optimize:pnpm --pnpm "$pnpm12" --user --measure --runs 4 --dry-run --json own
    expect_rc 0 "--user --measure"
    expect_eq "$(json_get "$OUT" 'len(d["changes"]) == 0 and len(d["user_config"]["changes"]) > 0 and d["measure"] is not None')" \
        "True" "--user --measure: the user's settings alone are tried"
    expect_eq "$(json_get "$OUT" 'd["user_config"]["written"]')" "False" "--user --measure --dry-run: not written"
    [[ -e "$XDG_CONFIG_HOME/pnpm/config.yaml" ]] && fail "--user --measure: the trial left the user's config" || pass
else
    run_farm optimize:pnpm --pnpm "$pnpm12" --user --measure --runs 4 --json own
    expect_rc 0 "--user --measure, nothing to change"
    expect_eq "$(json_get "$OUT" 'd["measure"]')" "None" "--measure: nothing to try, no installs"
fi

finish
