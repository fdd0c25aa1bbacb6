#!/usr/bin/env bash
# perf:build's install scenarios on a copy of the bundled example workspace with real pnpm 10:
# the cold store lives inside the project and node_modules is a plain install afterwards; prod
# and offline pass their flags; no priming when the store holds the lockfile; without a lockfile
# every run resolves; a package without a name is built through its path; no renamed-aside
# folder or scratch store is ever left, also after Ctrl-C.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
export npm_config_store_dir="$WORK/store" # the tests' own store, not the user's
pnpm_bin=$("$src/scripts/ensure-pnpm.sh" 10) || { fail "pnpm 10 could not be installed"; finish; exit 1; }

copy_example() { # copy_example DEST: the example workspace without anything built or installed
    rm -rf "$1"
    cp -r "$src/examples/workspace" "$1"
    rm -rf "$1/node_modules" "$1"/packages/*/node_modules "$1"/packages/*/dist "$1/.farm"
}

# nothing_left DIR WHAT: no scratch folder, renamed-aside folder or anything in the farm folder
# in DIR (outside what node_modules holds), once the deleting process farm leaves behind is done
# (farm does not wait for it; up to two minutes on a busy disk). The .farm folder itself may stay,
# empty: the deletion outlives farm's call and never removes it from under a newer farm.
nothing_left() {
    local left i
    for i in $(seq 600); do
        left=$(find "$1" -path '*/node_modules/*' -prune -o \( -name '*scratch*' -o -name '*trash*' \
            -o -path '*/.farm/*' -o -name 'node_modules?*' \) -print | head -3)
        [[ -z "$left" ]] && break
        sleep 0.2
    done
    expect_eq "$left" "" "$2: nothing of farm's scratch folder is left"
}

# A plain install in DIR without a terminal: exit 0, and no question about reinstalling.
plain_install_accepts() {
    local out rc
    out=$(cd "$1" && "$pnpm_bin" install --frozen-lockfile --config.manage-package-manager-versions=false </dev/null 2>&1)
    rc=$?
    expect_eq "$rc" "0" "$2: a plain pnpm install exits 0 ($out)"
    expect_not_contains "$out" "einstall" "$2: pnpm does not ask to reinstall"
    expect_not_contains "$out" "ERR_PNPM" "$2: pnpm reports no error"
}

copy_example ws

# warm on an empty store: one priming install first.
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --json ws
expect_rc 0 "warm on an empty store"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "True" "an empty store is primed"

# warm again: the store holds the lockfile's packages, so no priming install.
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build --json ws
expect_rc 0 "warm on a filled store"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "False" "a filled store is not primed"

# cold: the scratch store inside the project, then node_modules from the user's store.
run_farm perf:build --pnpm "$pnpm_bin" --runs 2 --install cold --no-build --json ws
expect_rc 0 "cold install"
expect_eq "$(json_get "$OUT" 'd["install"]["downloaded"]')" "2" "cold downloads both packages"
expect_contains "$(json_get "$OUT" 'd["install"]["command"]')" "--store-dir=$WORK/ws/.farm/pnpm-scratch-" "the cold store is inside the project"
expect_contains "$(json_get "$OUT" 'd["install"]["after"]')" "from your own store" "the output says node_modules was installed again"
expect_contains "$(grep storeDir ws/node_modules/.modules.yaml)" "$WORK/store/" "node_modules is linked to the user's store"
nothing_left ws "cold"
plain_install_accepts ws "after --install cold"

# prod and offline run with their flags; offline needs no registry once the store is filled.
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install prod --no-build --json ws
expect_rc 0 "prod install"
expect_contains "$(json_get "$OUT" 'd["install"]["command"]')" " --prod" "prod passes --prod"
plain_install_accepts ws "after --install prod"
npm_config_registry=http://127.0.0.1:9/ run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install offline --no-build --json ws
expect_rc 0 "offline install without a registry"
expect_contains "$(json_get "$OUT" 'd["install"]["command"]')" " --offline" "offline passes --offline"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "False" "offline after a full install is not primed"
nothing_left ws "prod and offline"

# A workspace package without a name is built through its path.
mkdir -p ws/packages/tools
echo '{"private": true, "scripts": {"build": "node build.mjs"}}' >ws/packages/tools/package.json
echo 'import {mkdirSync, writeFileSync} from "node:fs"; mkdirSync("dist", {recursive: true}); writeFileSync("dist/tools.js", "export {};\n");' >ws/packages/tools/build.mjs
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --install none --json ws
expect_rc 0 "a workspace with a package without a name"
expect_eq "$(json_get "$OUT" '(lambda c: c[c.index("--filter"):c.index("--filter") + 2])([p["command"] for p in d["packages"] if p["name"] == "tools"][0].split())')" "['--filter', './packages/tools']" "the package without a name is filtered by its path"
[[ -f ws/packages/tools/dist/tools.js ]] && pass || fail "the package without a name was built"
rm -rf ws/packages/tools

# Without a lockfile: each run resolves, no lockfile is left, and the output says so.
copy_example nolock
rm nolock/pnpm-lock.yaml
# pnpm loads .pnpmfile.cjs as each install starts: it notes whether a lockfile is already there.
cat >nolock/.pnpmfile.cjs <<'JS'
const fs = require("node:fs");
const path = require("node:path");
fs.appendFileSync(path.join(__dirname, "..", "lockfile-seen.txt"),
    (fs.existsSync(path.join(__dirname, "pnpm-lock.yaml")) ? "present" : "absent") + "\n");
module.exports = {};
JS
run_farm perf:build --pnpm "$pnpm_bin" --runs 2 --no-build --json nolock
expect_eq "$(sort -u lockfile-seen.txt | tr '\n' ' ')" "absent " "no install started with the lockfile of the run before"
expect_rc 0 "warm without a lockfile"
expect_eq "$(json_get "$OUT" 'd["install"]["resolved_each_run"]')" "True" "the JSON says every run resolved"
expect_eq "$(json_get "$OUT" '[r.get("resolved", 0) > 0 for r in d["install"]["runs"]]')" "[True, True]" "every run resolved packages"
[[ ! -e nolock/pnpm-lock.yaml ]] && pass || fail "no lockfile is left"
run_farm perf:build --pnpm "$pnpm_bin" --runs 1 --no-build nolock
expect_contains "$OUT" "each run resolved every dependency from scratch" "the table says every run resolved"
[[ ! -e nolock/pnpm-lock.yaml ]] && pass || fail "no lockfile is left (table)"

# Ctrl-C in the middle of the runs: nothing renamed aside or scratch is left.
"$FARM" perf:build --pnpm "$pnpm_bin" --runs 1000 --install cold --no-build ws >int.txt 2>&1 &
farm_pid=$!
for _ in $(seq 100); do
    [[ -n "$(find ws/.farm -name 'pnpm-scratch-*' 2>/dev/null)" && -d ws/node_modules ]] && break
    sleep 0.1
done
sleep 0.5
kill -INT "$farm_pid"
wait "$farm_pid"
RC=$?
ERR=$(cat int.txt)
expect_rc 130 "Ctrl-C during cold runs"
nothing_left ws "after Ctrl-C"
plain_install_accepts ws "after an interrupted --install cold"

finish
