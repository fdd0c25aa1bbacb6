// What the project's current node_modules says about the store, to decide whether a benchmark
// needs a priming install before its timed runs.
//
// pnpm records in node_modules/.modules.yaml (JSON, which is YAML) the store it linked from
// (storeDir) and which dependency kinds it installed (included). When that store is the one
// pnpm uses now, every kind the scenario installs was included, and the lockfile has not changed
// since (pnpm-lock.yaml no newer than .modules.yaml), the store holds every package of the
// lockfile and a priming install would only cost time. Whenever farm is not sure (no lockfile,
// no node_modules, another store, a changed lockfile, a file it cannot read) it primes.
#pragma once

#include "farm/pnpm/install_scenario.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

namespace farm::pnpm {

struct InstalledState {
    bool installed = false; // node_modules/.modules.yaml exists and parses
    std::filesystem::path store_dir;
    bool dependencies = false, dev_dependencies = false, optional_dependencies = false;
    bool lockfile_unchanged = false; // pnpm-lock.yaml is not newer than .modules.yaml
};

// Parses .modules.yaml's text; nullopt when it does not parse or names no storeDir.
std::optional<InstalledState> parse_modules_yaml(std::string_view text);

// Reads the root node_modules/.modules.yaml of `project` (installed = false when absent).
InstalledState read_installed_state(const Project& project);

// The store folder the environment sets for pnpm (npm_config_store_dir, or pnpm 11's
// pnpm_config_store_dir), which pnpm reads over every .npmrc; empty when none is set or it is
// not an absolute path. `get` reads one variable (getenv, or a test's own).
std::filesystem::path
store_dir_from_environment(const std::function<const char*(const char*)>& get);

// Whether the store .modules.yaml recorded (`recorded`, "<store-dir>/v10") is the one in the
// folder `store_dir` names: the folder itself or its vN store inside.
bool store_in_folder(const std::filesystem::path& recorded, const std::filesystem::path& store_dir);

// False only when `state` shows that `current_store` already holds every package the scenario
// installs from the lockfile.
bool needs_priming(const InstalledState& state, const Project& project, InstallScenario scenario,
                   const std::filesystem::path& current_store);

} // namespace farm::pnpm
