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
#include "farm/pnpm/store_settings.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The store pnpm uses now, when farm can tell without asking pnpm: the one .modules.yaml
// recorded, when every store named for pnpm (`named`, as store_settings.hpp's named_stores
// gives them, resolved from `root`) holds it, or when none is named and it is pnpm's default
// store (is_default_store). nullopt otherwise: pnpm decides then (`pnpm store path`). So a store
// the last install was given on its command line (`--store-dir`, as CI scripts and farm's own
// tests do) or by the global configuration is trusted only where pnpm would pick it anyway.
std::optional<std::filesystem::path>
recorded_store_if_current(const InstalledState& state, const std::vector<std::string>& named,
                          const std::filesystem::path& root, const EnvironmentReader& get);

// Whether `recorded` is a store pnpm picks when no setting names one: `store` in pnpm's home
// ($PNPM_HOME, else $XDG_DATA_HOME/pnpm, else ~/.local/share/pnpm), or, when that cannot be
// hard-linked from the project, `.pnpm-store` at the root of the project's file system (one of
// `root`'s folders).
bool is_default_store(const std::filesystem::path& recorded, const std::filesystem::path& root,
                      const EnvironmentReader& get);

// Whether the store .modules.yaml recorded (`recorded`, "<store-dir>/v10") is the one in the
// folder `store_dir` names: the folder itself or its vN store inside.
bool store_in_folder(const std::filesystem::path& recorded, const std::filesystem::path& store_dir);

// False only when `state` shows that `current_store` already holds every package the scenario
// installs from the lockfile.
bool needs_priming(const InstalledState& state, const Project& project, InstallScenario scenario,
                   const std::filesystem::path& current_store);

} // namespace farm::pnpm
