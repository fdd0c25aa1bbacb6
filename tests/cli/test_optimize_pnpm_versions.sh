#!/usr/bin/env bash
# The version table behind optimize:pnpm, checked against real pnpm 9, 10 before 10.6, 10.6+
# before 10.24, 10.24+ and the newest (12): which file each version reads its settings from,
# which ignores .npmrc settings, that the keys farm writes are the names pnpm reads back
# (`pnpm config get`), that every default farm relies on is pnpm's own (nothing set: pnpm answers
# `undefined`, so its built-in default applies), which per-user file each version reads (`pnpm
# config get globalconfig`, from 10.21), and which environment names each version reads
# (npm_config_* before 11, pnpm_config_* from 11): farm sets both.
source "$(dirname "$0")/lib.sh"

src="${FARM_SOURCE_DIR:?}"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_STATE_HOME="$WORK/home/.state"
mkdir -p "$HOME"
quiet() { npm_config_manage_package_manager_versions=false pnpm_config_manage_package_manager_versions=false "$@"; }
get() { (cd "$1" && quiet "$2" config get "$3" 2>/dev/null | tail -1); }
at_least() { # at_least VERSION MAJOR MINOR
    local major=${1%%.*} rest=${1#*.}
    local minor=${rest%%.*}
    ((major > $2 || (major == $2 && minor >= $3)))
}

for spec in 9 10.5 10.23 10 12; do
    pnpm_bin=$("$src/scripts/ensure-pnpm.sh" "$spec") || { fail "pnpm $spec could not be installed"; continue; }
    version=$(quiet "$pnpm_bin" --version)
    tag="pnpm $version"
    rm -rf p && mkdir p && printf '{"name":"v","packageManager":"pnpm@%s"}\n' "$version" >p/package.json

    # Nothing set: every key farm plans or advises on is left to pnpm's built-in default.
    for key in side-effects-cache optimistic-repeat-install prefer-offline child-concurrency \
        network-concurrency link-workspace-packages prefer-workspace-packages node-linker; do
        expect_eq "$(get p "$pnpm_bin" "$key")" "undefined" "$tag: $key is pnpm's default when unset"
    done

    # Which file: farm's table against what pnpm reads.
    run_farm optimize:pnpm --pnpm "$pnpm_bin" --dry-run --json p
    expect_rc 0 "$tag: optimize:pnpm"
    farm_file=$(json_get "$OUT" 'd["settings_file"]')
    # (pnpm 9 insists on a packages field in a pnpm-workspace.yaml.)
    printf 'packages: []\nsideEffectsCache: false\n' >p/pnpm-workspace.yaml
    yaml_read=$(get p "$pnpm_bin" sideEffectsCache)
    rm p/pnpm-workspace.yaml
    printf 'side-effects-cache=false\n' >p/.npmrc
    npmrc_read=$(get p "$pnpm_bin" side-effects-cache)
    rm p/.npmrc
    if at_least "$version" 10 6; then
        expect_eq "$farm_file" "pnpm-workspace.yaml" "$tag: farm writes the YAML"
        expect_eq "$yaml_read" "false" "$tag: pnpm reads the YAML's camelCase keys"
    else
        expect_eq "$farm_file" ".npmrc" "$tag: farm writes .npmrc"
        expect_eq "$yaml_read" "undefined" "$tag: pnpm does not read settings from the YAML"
    fi
    if at_least "$version" 11 0; then
        expect_eq "$npmrc_read" "undefined" "$tag: pnpm ignores settings in .npmrc"
    else
        expect_eq "$npmrc_read" "false" "$tag: pnpm reads .npmrc's kebab-case keys"
    fi

    # The per-user file: the one pnpm names, where pnpm can name it.
    global=$(get p "$pnpm_bin" globalconfig)
    user_file=$(json_get "$OUT" '(d["user_config"] or {}).get("file", "")')
    if [[ "$global" != undefined && -n "$global" ]]; then
        expect_eq "$user_file" "$global" "$tag: the user's pnpm config file"
    fi

    # Environment names: npm_config_* before 11, pnpm_config_* from 11.
    npm_env=$(cd p && npm_config_child_concurrency=7 quiet "$pnpm_bin" config get child-concurrency 2>/dev/null | tail -1)
    pnpm_env=$(cd p && pnpm_config_child_concurrency=7 quiet "$pnpm_bin" config get child-concurrency 2>/dev/null | tail -1)
    if at_least "$version" 11 0; then
        expect_eq "$pnpm_env" "7" "$tag: reads pnpm_config_*"
    else
        expect_eq "$npm_env" "7" "$tag: reads npm_config_*"
    fi
    [[ "$npm_env" == 7 || "$pnpm_env" == 7 ]] && pass || fail "$tag: reads neither environment name"
done

finish
