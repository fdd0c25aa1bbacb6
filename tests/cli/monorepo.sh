# Shared by the CLI tests that need a real pnpm workspace with a task runner: the turbo monorepo
# (tests/fixtures/monorepo: turbo, a Next.js app, a Vite app and a TypeScript library) and the Nx
# workspace (tests/fixtures/nx-workspace), each with its committed pnpm 10 lockfile.
# Source it after lib.sh. The registry is reached once per test run and fixture: the first test
# fills a store kept beside the farm binary, every later install (in any test, run in parallel)
# is offline.
MONOREPO_FIXTURE="${FARM_SOURCE_DIR:?}/tests/fixtures/monorepo"
MONOREPO_CACHE="${FARM_TEST_CACHE:-$(dirname "$FARM")/test-cache}"
MONOREPO_STORE="$MONOREPO_CACHE/monorepo-store"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NX_NO_CLOUD=true

# monorepo_pnpm: the pnpm 10 the fixture's packageManager names (installed locally when missing).
monorepo_pnpm() {
    "$FARM_SOURCE_DIR/scripts/ensure-pnpm.sh" 10
}

# monorepo_copy DEST: the fixture's sources in DEST, nothing installed or built.
monorepo_copy() {
    rm -rf "$1"
    cp -r "$MONOREPO_FIXTURE" "$1"
}

# monorepo_install DEST: the fixture copied to DEST and installed (--frozen-lockfile) from the
# shared store; the first caller of a test run downloads, the others wait for it on a lock.
monorepo_install() {
    fixture_install "$MONOREPO_FIXTURE" monorepo "$1"
}

# nx_workspace_install DEST: tests/fixtures/nx-workspace (pnpm 10 + the real nx from npm, three
# small packages) copied to DEST and installed the same way, from a store of its own.
nx_workspace_install() {
    fixture_install "$FARM_SOURCE_DIR/tests/fixtures/nx-workspace" nx-workspace "$1"
}

# fixture_install FIXTURE NAME DEST: FIXTURE copied to DEST and installed from the store
# $MONOREPO_CACHE/NAME-store, which the first install of a test run fills from the registry.
fixture_install() {
    local fixture="$1" name="$2" dest="$3" pnpm_bin store="$MONOREPO_CACHE/$2-store"
    pnpm_bin=$(monorepo_pnpm) || return 1
    rm -rf "$dest"
    cp -r "$fixture" "$dest"
    mkdir -p "$MONOREPO_CACHE"
    (
        flock 9
        local offline=--offline
        [[ -f "$store/.filled" ]] || offline=
        (cd "$dest" && "$pnpm_bin" install --frozen-lockfile $offline --store-dir "$store" \
            --config.manage-package-manager-versions=false --reporter=silent) || exit 1
        touch "$store/.filled"
    ) 9>"$MONOREPO_CACHE/$name.lock"
}
