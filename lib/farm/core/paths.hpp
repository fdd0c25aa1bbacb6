// Where farm's files live: the project root and the history database.
//
// The project root is the nearest folder, from the start folder upward, that holds
// pnpm-workspace.yaml, package.json or .git; without one it is the start folder itself. Inside a
// pnpm workspace (below the same repository root) it is the workspace root, so that every
// package of a workspace shares one history.
// The database is `.farm/perf.db` under the root unless --db or FARM_DB says otherwise.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace farm::core {

std::filesystem::path find_project_root(const std::filesystem::path& start);

// Precedence: explicit flag, then the FARM_DB environment variable, then the default.
std::filesystem::path resolve_db_path(const std::optional<std::string>& flag,
                                      const std::filesystem::path& project_root);

} // namespace farm::core
