// Which pnpm farm runs, which version it is, and what the project asks for.
//
// The binary is --pnpm PATH, else FARM_PNPM, else `pnpm` on PATH. Its version comes from running
// it (`pnpm --version`); the project's wish comes from package.json "packageManager"
// ("pnpm@10.6.1+sha512..."). Both are recorded, since they can differ. Every pnpm call farm makes
// turns off manage-package-manager-versions (through the environment), so a pnpm >= 10 never
// tries to download and switch to another version in the middle of a measurement.
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

// The environment every pnpm call gets.
std::vector<std::pair<std::string, std::string>> pnpm_environment();

// Throws farm::UsageError when pnpm is missing (with how to install it) or does not run.
Toolchain find_toolchain(const std::optional<std::string>& explicit_pnpm,
                         const std::filesystem::path& project_root);

} // namespace farm::pnpm
