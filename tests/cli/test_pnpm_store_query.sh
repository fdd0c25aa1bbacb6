#!/usr/bin/env bash
# perf:build decides whether the store needs a priming install from what node_modules recorded
# (.modules.yaml's storeDir) without starting `pnpm store path` (one Node.js start), unless the
# project's own settings name another store: then pnpm is asked, as before. A --pnpm wrapper
# logs every call farm makes. A store the last install was given on its command line is not
# pnpm's default, so pnpm is asked then too (the warm runs would otherwise download into the
# default store and be measured as warm). Nothing reaches a registry: the stores are copies of the example
# workspace's shared test store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/monorepo.sh"

src="${FARM_SOURCE_DIR:?}"
pnpm10=$(monorepo_pnpm) || { fail "pnpm 10 could not be installed"; finish; exit 1; }
fixture_install "$src/examples/workspace" example-workspace "$WORK/seed" ||
    { fail "the example workspace did not install"; finish; exit 1; }

# No store named anywhere: pnpm's default store is $PNPM_HOME/store, a copy of the filled one.
unset npm_config_store_dir pnpm_config_store_dir NPM_CONFIG_STORE_DIR
export HOME="$WORK/home" PNPM_HOME="$WORK/pnpm-home" XDG_CONFIG_HOME="$WORK/home/.config"
export npm_config_registry=http://127.0.0.1:9/ pnpm_config_registry=http://127.0.0.1:9/
mkdir -p "$HOME" "$PNPM_HOME"
cp -r "$MONOREPO_CACHE/example-workspace-store" "$PNPM_HOME/store"
cp -r "$MONOREPO_CACHE/example-workspace-store" "$WORK/other-store"
cp -r "$MONOREPO_CACHE/example-workspace-store" "$WORK/cli-store"

mkdir -p "$WORK/bin"
cat >"$WORK/bin/pnpm" <<SH
#!/bin/sh
printf '%s\n' "\$*" >>"$WORK/calls.log"
exec "$pnpm10" "\$@"
SH
chmod +x "$WORK/bin/pnpm"

# measure WHAT: one warm install of ws, the calls farm made in calls.log.
measure() {
    rm -f "$WORK/calls.log"
    run_farm perf:build --pnpm "$WORK/bin/pnpm" --runs 1 --no-build --no-record --json ws
    expect_rc 0 "$1 ($ERR)"
    expect_contains "$(cat "$WORK/calls.log")" "install" "$1: the wrapper ran the installs"
}
store_asked() { grep -c 'store path' "$WORK/calls.log"; }

rm -rf ws && cp -r "$src/examples/workspace" ws && rm -rf ws/node_modules ws/packages/*/node_modules

measure "no node_modules"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "True" "no node_modules: primed"
expect_eq "$(store_asked)" "0" "no node_modules: priming without asking pnpm where its store is"
expect_contains "$(grep storeDir ws/node_modules/.modules.yaml)" "$PNPM_HOME/store/v10" \
    "installed from pnpm's default store"

measure "node_modules records the store"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "False" "the recorded store is filled: no priming"
expect_eq "$(store_asked)" "0" "the store read from .modules.yaml, pnpm not asked"

printf 'store-dir=%s\n' "$PNPM_HOME/store" >ws/.npmrc
measure ".npmrc names the recorded store"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "False" ".npmrc agrees: no priming"
expect_eq "$(store_asked)" "0" ".npmrc agrees: pnpm not asked"

# The project's settings name another store than node_modules recorded: pnpm decides, and the
# store it names (empty for this project's lockfile until primed) gets the priming install.
printf 'storeDir: ../other-store\n' >>ws/pnpm-workspace.yaml
measure "pnpm-workspace.yaml names another store"
expect_eq "$(store_asked)" "1" "another store named: pnpm is asked once"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "True" "another store: primed"
expect_contains "$(grep storeDir ws/node_modules/.modules.yaml)" "$WORK/other-store/v10" \
    "installed from the store the workspace file names"

# Installed last with --store-dir on pnpm's command line, as CI scripts do; nothing names that
# store now: pnpm is asked, and its default store is the one the warm runs use.
rm -f ws/.npmrc
sed -i '/^storeDir:/d' ws/pnpm-workspace.yaml
rm -rf ws/node_modules ws/packages/*/node_modules # pnpm refuses to switch stores without a prompt
(cd ws && "$pnpm10" install --frozen-lockfile --offline --store-dir "$WORK/cli-store" \
    --config.manage-package-manager-versions=false --reporter=silent) ||
    fail "the install with --store-dir failed"
expect_contains "$(grep storeDir ws/node_modules/.modules.yaml)" "$WORK/cli-store/v10" \
    "node_modules records the command line's store"
measure "the last install's store came from its command line"
expect_eq "$(store_asked)" "1" "a store that is not pnpm's default: pnpm is asked once"
expect_eq "$(json_get "$OUT" 'd["install"]["primed"]')" "True" "the default store is the measured one"
expect_contains "$(grep storeDir ws/node_modules/.modules.yaml)" "$PNPM_HOME/store/v10" \
    "installed from pnpm's default store again"

finish
