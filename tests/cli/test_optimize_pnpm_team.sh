#!/usr/bin/env bash
# optimize:pnpm writes only what a team would commit, against real pnpm 9, 10 and 12: the
# project's explicit choices stand (and are reported), a commented line is never rewritten,
# nothing machine-specific goes into the project's files (--user writes it to the user's own
# config, which pnpm then reads), preferOffline is advice, workspace resolution settings need
# --workspace-settings, a symlinked .npmrc stays a symlink (or is refused outside the project),
# backups go to .farm/backups/, a sub-package edits the workspace root, --migrate leaves proxy
# lines, --measure with a change that makes no difference writes nothing, and a setting that
# pnpm 12's include: delegates to another file is kept or edited there. Every file that must not
# change is compared byte for byte.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
export npm_config_store_dir="$WORK/store" pnpm_config_store_dir="$WORK/store"
# The user's own pnpm config of this test: never the real one.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_STATE_HOME="$WORK/home/.state"
mkdir -p "$HOME"
pnpm9=$("$src/scripts/ensure-pnpm.sh" 9) || fail "pnpm 9 could not be installed"
pnpm10=$("$src/scripts/ensure-pnpm.sh" 10) || fail "pnpm 10 could not be installed"
pnpm12=$("$src/scripts/ensure-pnpm.sh" 12) || fail "pnpm 12 could not be installed"
quiet() { npm_config_manage_package_manager_versions=false pnpm_config_manage_package_manager_versions=false "$@"; }
v10=$(quiet "$pnpm10" --version)
v12=$(quiet "$pnpm12" --version)
config_get() { (cd "$1" && quiet "$2" config get "$3" 2>/dev/null | tail -1); }

# same FILE COPY WHAT: byte for byte.
same() { cmp -s "$1" "$2" && pass || fail "$3: $(diff "$1" "$2" | head -5)"; }

# project DIR VERSION: a single-package project that asks for that pnpm.
project() {
    rm -rf "$1" && mkdir -p "$1"
    printf '{"name":"team","version":"1.0.0","packageManager":"pnpm@%s"}\n' "$2" >"$1/package.json"
}

# 1. The team's YAML: comments, explicit false values, catalogs, overrides, onlyBuiltDependencies,
# publicHoistPattern. pnpm 12 proposes nothing for it, and nothing in it changes.
project team "$v12"
cat >team/pnpm-workspace.yaml <<'YAML'
packages:
  - apps/*
catalog:
  react: ^18.3.1 # keep in step with react-dom
overrides:
  lodash: 4.17.21
onlyBuiltDependencies:
  - esbuild
publicHoistPattern:
  - '*eslint*'
preferOffline: false  # deliberately: fresh metadata
sideEffectsCache: false
optimisticRepeatInstall: false
sharedWorkspaceLockfile: false
YAML
cp team/pnpm-workspace.yaml "$WORK/team-before"
run_farm optimize:pnpm --pnpm "$pnpm12" --json team
expect_rc 0 "team yaml"
expect_eq "$(json_get "$OUT" 'len(d["changes"])')" "0" "team yaml: nothing proposed"
expect_eq "$(json_get "$OUT" '[k.split(",")[0] for k in d["kept"]]')" \
    "['sideEffectsCache false', 'optimisticRepeatInstall false', 'preferOffline false']" \
    "team yaml: the explicit values are kept and reported"
same "$WORK/team-before" team/pnpm-workspace.yaml "team yaml: unchanged"
expect_eq "$(ls -A team | tr '\n' ' ')" "package.json pnpm-workspace.yaml " "team yaml: nothing else written"
run_farm optimize:pnpm --pnpm "$pnpm12" team
expect_contains "$OUT" "kept: preferOffline false, set by the project in pnpm-workspace.yaml" "team yaml: says what it kept"
# `farm optimize` lists them too, beside its advice.
cd team
run_farm optimize --pnpm "$pnpm12" --db "$WORK/empty.db"
expect_rc 0 "farm optimize"
expect_contains "$OUT" "kept: preferOffline false, set by the project in pnpm-workspace.yaml" "farm optimize: says what it kept"
run_farm optimize --pnpm "$pnpm12" --db "$WORK/empty.db" --json
expect_eq "$(json_get "$OUT" '[k.split(",")[0] for k in d["pnpm_kept"]]')" \
    "['sideEffectsCache false', 'optimisticRepeatInstall false', 'preferOffline false']" "farm optimize --json: pnpm_kept"
cd ..

# --force replaces a value, but never a line with the team's comment.
run_farm optimize:pnpm --pnpm "$pnpm12" --force preferOffline --force sideEffectsCache --json team
expect_rc 0 "--force"
expect_eq "$(json_get "$OUT" '[c["key"] for c in d["changes"]]')" "['sideEffectsCache']" "--force: only the uncommented line"
expect_contains "$(cat team/pnpm-workspace.yaml)" "preferOffline: false  # deliberately: fresh metadata" "--force: the commented line stays"
expect_eq "$(config_get team "$pnpm12" sideEffectsCache)" "true" "--force: pnpm 12 reads the forced value"
# Everything but the forced line is byte for byte the same.
diff "$WORK/team-before" team/pnpm-workspace.yaml | grep '^[<>]' >"$WORK/team-diff"
printf '%s\n' '< sideEffectsCache: false' '> sideEffectsCache: true' >"$WORK/team-expected"
same "$WORK/team-expected" "$WORK/team-diff" "--force: one line changed"
# The backup is in .farm/backups/, listed, never beside the file.
backup=$(json_get "$OUT" 'd["backups"][0]')
expect_contains "$backup" "/team/.farm/backups/pnpm-workspace.yaml." "backup: in .farm/backups with a timestamp"
same "$WORK/team-before" "$backup" "backup: the old bytes"
expect_eq "$(ls -A team | tr '\n' ' ')" ".farm package.json pnpm-workspace.yaml " "backup: nothing beside the file"
expect_eq "$(cat team/.farm/backups/.gitignore)" "*" "backup: never committed"

# 2. Nothing machine-specific in the project: concurrency goes to the user's config with --user.
project mach "$v10"
run_farm optimize:pnpm --pnpm "$pnpm10" --no-backup --json mach
expect_rc 0 "pnpm 10 project"
expect_eq "$(json_get "$OUT" '[c["key"] for c in d["changes"]]')" "['optimisticRepeatInstall']" "pnpm 10: only the team setting"
if grep -qi 'concurrency\|preferOffline\|storeDir' mach/pnpm-workspace.yaml; then fail "machine-specific setting in the project"; else pass; fi
expect_contains "$(json_get "$OUT" 'd["notes"]')" "--prefer-offline" "preferOffline: advised as a CI flag"
cores=$(nproc)
if ((cores > 5)); then
    expect_eq "$(json_get "$OUT" 'd["user_config"]["written"]')" "False" "without --user the user's config is not written"
    run_farm optimize:pnpm --pnpm "$pnpm10" --user --json mach
    expect_rc 0 "--user"
    rc_file=$(json_get "$OUT" 'd["user_config"]["file"]')
    expect_eq "$rc_file" "$(config_get mach "$pnpm10" globalconfig)" "--user: the file pnpm 10 names"
    expect_eq "$(config_get mach "$pnpm10" child-concurrency)" "$cores" "--user: pnpm reads one child per core"
    project mach12 "$v12"
    run_farm optimize:pnpm --pnpm "$pnpm12" --user --json mach12
    expect_eq "$(json_get "$OUT" 'd["user_config"]["file"]')" "$(config_get mach12 "$pnpm12" globalconfig)" "--user: the file pnpm 12 names"
    expect_eq "$(config_get mach12 "$pnpm12" childConcurrency)" "$cores" "--user: pnpm 12 reads it"
    expect_eq "$(ls -A mach12)" "package.json" "--user: nothing in the project"
else
    run_farm optimize:pnpm --pnpm "$pnpm10" --user --json mach
    expect_eq "$(json_get "$OUT" 'len(d["user_config"]["changes"])')" "0" "--user: never below pnpm's default of 5"
fi

# 3. Workspace resolution settings: not proposed where every dependency uses workspace:.
rm -rf ws && cp -r "$src/examples/workspace" ws && rm -rf ws/node_modules ws/packages/*/node_modules ws/.farm
cp ws/pnpm-workspace.yaml "$WORK/ws-before"
run_farm optimize:pnpm --pnpm "$pnpm12" --workspace-settings --dry-run --json ws
expect_rc 0 "--workspace-settings"
expect_eq "$(json_get "$OUT" '[c["key"] for c in d["changes"] if "Workspace" in c["key"]]')" "[]" "workspace settings: no effect, not proposed"
expect_contains "$(json_get "$OUT" 'd["notes"]')" "would change nothing" "workspace settings: says why"
sed -i 's/"workspace:\*"/"^1.0.0"/' ws/packages/ui/package.json
run_farm optimize:pnpm --pnpm "$pnpm12" --dry-run ws
expect_contains "$OUT" "--workspace-settings proposes them" "workspace settings: only on request"
expect_not_contains "$OUT" "+ linkWorkspacePackages" "workspace settings: not without the flag"
run_farm optimize:pnpm --pnpm "$pnpm12" --workspace-settings --dry-run ws
expect_contains "$OUT" "+ linkWorkspacePackages: true" "workspace settings: with the flag"
expect_contains "$OUT" "WARNING: changes resolution" "workspace settings: with a warning"
same "$WORK/ws-before" ws/pnpm-workspace.yaml "workspace settings: --dry-run wrote nothing"

# 4. Run in a sub-package: the workspace root's files, no nested pnpm-workspace.yaml.
(cd ws/packages/ui && run_farm optimize:pnpm --pnpm "$pnpm12" --layout --no-backup --json && echo "$OUT" >"$WORK/sub.json")
expect_eq "$(json_get "$(cat "$WORK/sub.json")" 'd["project"]')" "$WORK/ws" "sub-package: the workspace root"
[[ -e ws/packages/ui/pnpm-workspace.yaml ]] && fail "sub-package: a nested pnpm-workspace.yaml was created" || pass
expect_contains "$(cat ws/pnpm-workspace.yaml)" "nodeLinker: hoisted" "sub-package: the root's file was edited"

# 5. A symlinked .npmrc (pnpm 9): inside the project the target is edited and the link stays;
# outside the project it is refused, saying where it points, and nothing changes.
project link9 9.15.9
mkdir -p link9/config
printf '# shared\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nside-effects-cache=false\n' >link9/config/npmrc
ln -s config/npmrc link9/.npmrc
cp link9/config/npmrc "$WORK/link-before"
export NPM_TOKEN=dummy-token
run_farm optimize:pnpm --pnpm "$pnpm9" --force side-effects-cache link9
expect_rc 0 "symlink inside"
[[ -L link9/.npmrc && $(readlink link9/.npmrc) == config/npmrc ]] && pass || fail "symlink inside: still the same link"
expect_eq "$(tail -1 link9/config/npmrc)" "side-effects-cache=true" "symlink inside: the target was edited"
expect_eq "$(config_get link9 "$pnpm9" side-effects-cache)" "true" "symlink inside: pnpm 9 reads it"
expect_eq "$(head -2 link9/config/npmrc)" "$(head -2 "$WORK/link-before")" "symlink inside: the other lines stay"
project link-out 9.15.9
mkdir -p shared-home
cp "$WORK/link-before" shared-home/npmrc
ln -s "$WORK/shared-home/npmrc" link-out/.npmrc
run_farm optimize:pnpm --pnpm "$pnpm9" --force side-effects-cache link-out
expect_rc 2 "symlink outside: refused"
expect_contains "$ERR" "is a symlink to $WORK/shared-home/npmrc, outside the project" "symlink outside: says where it points"
expect_not_contains "$OUT$ERR" "dummy-token" "symlink outside: no token printed"
same "$WORK/link-before" shared-home/npmrc "symlink outside: the shared file is unchanged"
[[ -L link-out/.npmrc ]] && pass || fail "symlink outside: still a link"

# 6. --migrate leaves proxy lines and commented lines in .npmrc.
project mig "$v12"
printf 'save-exact=true\nhttp-proxy=http://proxy.example:3128/\nhttps-proxy=http://proxy.example:3128/\nproxy=http://proxy.example:3128/\nnoproxy=localhost\n# the mirror is slow\nfetch-retries=5\n' >mig/.npmrc
run_farm optimize:pnpm --pnpm "$pnpm12" --migrate --no-backup mig
expect_rc 0 "--migrate"
printf 'http-proxy=http://proxy.example:3128/\nhttps-proxy=http://proxy.example:3128/\nproxy=http://proxy.example:3128/\nnoproxy=localhost\n# the mirror is slow\nfetch-retries=5\n' >"$WORK/mig-expected"
same "$WORK/mig-expected" mig/.npmrc "--migrate: proxies and the commented line stay, byte for byte"
expect_eq "$(cat mig/pnpm-workspace.yaml)" "saveExact: true" "--migrate: only save-exact moved"

# 7. devEngines.packageManager names the version.
mkdir -p dev && printf '{"name":"dev","devEngines":{"packageManager":{"name":"pnpm","version":"^10.6.0"}}}\n' >dev/package.json
run_farm optimize:pnpm --pnpm "$pnpm12" --dry-run --json dev
expect_rc 0 "devEngines"
expect_eq "$(json_get "$OUT" 'd["version_source"] + " " + d["pnpm_version"]')" "package.json devEngines.packageManager 10.6.0" "devEngines: the version read"

# 8. --measure with a change that makes no difference (sideEffectsCache in a project without
# install scripts): the old file stays, byte for byte, and farm says why.
rm -rf mws && cp -r "$src/examples/workspace" mws && rm -rf mws/node_modules mws/packages/*/node_modules mws/.farm
printf 'sideEffectsCache: false\n' >>mws/pnpm-workspace.yaml
cp mws/pnpm-workspace.yaml "$WORK/mws-before"
run_farm optimize:pnpm --pnpm "$pnpm12" --measure --runs 3 mws
expect_rc 2 "--measure: at least 4 runs a side"
# 8 runs a side (the default): with the floor taken off each install, a no-difference trial
# passes about never (0 in 4,000 simulated, tests/unit/analysis/test_compare.cpp).
run_farm optimize:pnpm --pnpm "$pnpm12" --force sideEffectsCache --measure --json mws
expect_rc 0 "--measure"
expect_eq "$(json_get "$OUT" 'd["written"]')" "False" "--measure: no proof, nothing written"
expect_eq "$(json_get "$OUT" 'd["measure"]["install"]')" "warm" "--measure: warm installs for an import setting"
expect_eq "$(json_get "$OUT" 'd["measure"]["runs_per_side"]')" "8" "--measure: 8 runs a side by default"
expect_eq "$(json_get "$OUT" 'd["not_written_because"] == d["measure"]["why_not"] != ""')" "True" "--measure: says why"
same "$WORK/mws-before" mws/pnpm-workspace.yaml "--measure: the settings file is as it was"
expect_eq "$(runs_in_db)" "2" "--measure: both sides recorded"

# 9. pnpm 12's include: a setting delegated to an included file is read there (kept) and,
# forced, edited there with the same byte-preserving editor; the workspace file, where pnpm
# would refuse a delegated setting (ERR_PNPM_DUPLICATE_SETTING), stays as it was.
project inc "$v12"
mkdir -p inc/config
printf 'packages:\n  - apps/*\ninclude:\n  ./config/pnpm-settings.yaml:\n    - sideEffectsCache\n    - nodeLinker\n' >inc/pnpm-workspace.yaml
printf '# shared by our repos\n\nsideEffectsCache: false\n' >inc/config/pnpm-settings.yaml
cp inc/pnpm-workspace.yaml "$WORK/inc-before"
expect_eq "$(config_get inc "$pnpm12" sideEffectsCache)" "false" "include: pnpm 12 reads the included file"
run_farm optimize:pnpm --pnpm "$pnpm12" --json inc
expect_rc 0 "include"
expect_eq "$(json_get "$OUT" 'len(d["changes"])')" "0" "include: nothing proposed"
expect_contains "$(json_get "$OUT" 'd["kept"]')" "sideEffectsCache false, set by the project in pnpm-settings.yaml" \
    "include: the included file's value is kept"
run_farm optimize:pnpm --pnpm "$pnpm12" --force sideEffectsCache --layout --no-backup inc
expect_rc 0 "include: --force"
expect_contains "$OUT" "~ sideEffectsCache: false -> true (in ./config/pnpm-settings.yaml)" "include: says where"
expect_contains "$OUT" "verified: pnpm $v12 reads sideEffectsCache, nodeLinker with the new values" \
    "include: pnpm reads both where they were written"
printf '# shared by our repos\n\nsideEffectsCache: true\nnodeLinker: hoisted\n' >"$WORK/inc-expected"
same "$WORK/inc-expected" inc/config/pnpm-settings.yaml "include: the included file edited in place"
same "$WORK/inc-before" inc/pnpm-workspace.yaml "include: the workspace file unchanged"
expect_eq "$(config_get inc "$pnpm12" nodeLinker)" "hoisted" "include: pnpm 12 reads the new setting"

finish
