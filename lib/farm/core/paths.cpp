#include "farm/core/paths.hpp"

#include <cstdlib>
#include <system_error>

namespace farm::core {

namespace fs = std::filesystem;

fs::path find_project_root(const fs::path& start) {
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::absolute(start), ec);
    if (ec) {
        absolute = fs::absolute(start);
    }
    // A workspace file marks the root more surely than a package.json, which every package of
    // the workspace has: prefer the outermost pnpm-workspace.yaml, then the nearest other marker.
    std::optional<fs::path> nearest;
    for (fs::path dir = absolute;; dir = dir.parent_path()) {
        if (fs::exists(dir / "pnpm-workspace.yaml", ec)) {
            return dir;
        }
        if (!nearest && (fs::exists(dir / "package.json", ec) || fs::exists(dir / ".git", ec))) {
            nearest = dir;
            // Keep looking upward for a workspace root, but never past a repository root.
            if (fs::exists(dir / ".git", ec)) {
                return dir;
            }
        }
        if (nearest && fs::exists(dir / ".git", ec)) {
            return *nearest;
        }
        if (dir == dir.parent_path()) {
            break;
        }
    }
    return nearest ? *nearest : absolute;
}

fs::path resolve_db_path(const std::optional<std::string>& flag, const fs::path& project_root) {
    if (flag && !flag->empty()) {
        return fs::absolute(*flag);
    }
    if (const char* env = std::getenv("FARM_DB"); env && *env) {
        return fs::absolute(env);
    }
    return project_root / ".farm" / "perf.db";
}

} // namespace farm::core
