// Which pnpm farm runs, which version it is, and what the project asks for.
//
// The binary is --pnpm PATH, else FARM_PNPM, else `pnpm` on PATH. Its version comes from running
// it (`pnpm --version`); the project's wish comes from package.json "packageManager"
// ("pnpm@10.6.1+sha512..."). Both are recorded, since they can differ.
//
// The pnpm farm chose is the pnpm of the whole call, nested calls included: every pnpm command
// farm runs turns version management off (pnpm 9/10: manage-package-manager-versions=false,
// pnpm 11+: pm-on-fail=ignore) through `--config.` flags and the environment, and its folder
// comes first on PATH, so that a lifecycle script's own `pnpm ...` runs the same binary instead
// of downloading the version package.json's "packageManager" names (or finding none).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace farm::pnpm {

struct Version {
    int major = 0;
    int minor = 0;
    int patch = 0;
    std::string text; // "10.6.1"

    bool at_least(int ma, int mi = 0, int pa = 0) const;
};

// "10.6.1", "v9.15.0", "11.0.0-rc.1" -> Version; nullopt when there is no MAJOR.MINOR.
std::optional<Version> parse_version(const std::string& text);
// "pnpm@10.6.1+sha512.abc" -> 10.6.1; nullopt for another package manager or no version.
std::optional<Version> parse_package_manager(const std::string& field);

struct Toolchain {
    std::string pnpm;         // the binary to run
    Version pnpm_version;     // what `pnpm --version` said
    std::string node_version; // `node --version`, empty when node is missing
};

// The environment every call of `pnpm` (the binary farm runs) gets: version management off under
// the names pnpm 9/10 (npm_config_*) and pnpm 11+ (pnpm_config_*) read, and PATH with pnpm's
// folder first. When `pnpm` is what PATH finds already, PATH is left exactly as it is (moving its
// folder forward could change which node or tools the scripts find).
std::vector<std::pair<std::string, std::string>> pnpm_environment(const std::string& pnpm);

// The argv of a pnpm command: the binary, the `--config.` flags that turn version management off
// (right after the binary: pnpm 12 passes flags after the command name on to scripts), `args`.
std::vector<std::string> pnpm_command(const std::string& pnpm, std::vector<std::string> args);

// Throws farm::UsageError when pnpm is missing (with how to install it) or does not run.
Toolchain find_toolchain(const std::optional<std::string>& explicit_pnpm,
                         const std::filesystem::path& project_root);

} // namespace farm::pnpm
