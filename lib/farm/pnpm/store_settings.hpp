// The pnpm store that the environment and the project's own settings name, read without starting
// pnpm, so that a benchmark can tell which store pnpm will use from what node_modules recorded
// (install_state.hpp) instead of asking `pnpm store path` (one Node.js start: about 1 s idle,
// several under load).
//
// pnpm takes the store from, highest first: its command line, pnpm-workspace.yaml's storeDir
// (pnpm 10 and later apply the workspace file's settings over the environment; pnpm 12 may hand
// the setting to a file its `include:` names), the environment (npm_config_store_dir, pnpm 11's
// pnpm_config_store_dir), .npmrc's store-dir, the user's and global configuration, then its
// default. Which of the project's names a given pnpm version reads differs, so farm does not
// pick one: it only trusts what node_modules recorded when every store named agrees with it,
// and otherwise lets pnpm decide.
//
// Guarantees: nothing here starts a process or writes; a file that cannot be read or a store
// named in a way farm cannot resolve (a `${VAR}` reference, a config dependency that owns the
// setting) is reported as unknown, never skipped, so that the caller asks pnpm.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

// Reads one environment variable (getenv, or a test's own); nullptr when it is not set.
using EnvironmentReader = std::function<const char*(const char*)>;

// Every store named for pnpm in the project at `root` (where farm runs pnpm), as written: the
// environment's variables that are set, the workspace's pnpm-workspace.yaml storeDir (or its
// included file's), store-dir in the .npmrc of `root`, of its workspace root and of HOME (the
// user's). "" stands for one that cannot be read. The global configuration is not read.
std::vector<std::string> named_stores(const std::filesystem::path& root,
                                      const EnvironmentReader& get);

// A named store as pnpm resolves it: an absolute path as written, `~/...` from HOME, anything
// else from `root` (pnpm's project folder). nullopt for what farm cannot resolve without pnpm:
// "", a `${VAR}` reference, `~` with no HOME.
std::optional<std::filesystem::path> resolve_store_setting(const std::string& value,
                                                           const std::filesystem::path& root,
                                                           const EnvironmentReader& get);

} // namespace farm::pnpm
