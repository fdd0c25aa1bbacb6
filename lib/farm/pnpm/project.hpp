// A pnpm project as farm sees it: the root package.json, the workspace packages that
// pnpm-workspace.yaml selects, their scripts and their workspace dependencies, and the order
// in which their builds must run.
//
// Bad input is reported with the file, line and column (package.json through the JSON reader,
// pnpm-workspace.yaml through yaml-cpp). Folders named node_modules are never searched.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace farm::pnpm {

struct Package {
    std::string name; // package.json "name"; the folder name when it has none
    bool has_name = true;
    std::filesystem::path dir;
    std::map<std::string, std::string> scripts;
    std::vector<std::string> dependencies; // names from every dependency field

    bool has_script(const std::string& script) const { return scripts.count(script) > 0; }
};

struct Project {
    std::filesystem::path root;
    bool is_workspace = false; // has pnpm-workspace.yaml
    Package root_package;
    std::vector<Package> packages; // workspace packages, root excluded, sorted by dir
    std::string package_manager;   // package.json "packageManager", as written
    std::optional<std::filesystem::path> lockfile;
};

// Throws farm::UsageError when `dir` holds no package.json (saying what was looked for), or a
// file does not parse (with its line and column).
Project load_project(const std::filesystem::path& dir);

// What selects `package` in `pnpm --filter`: its name, or, for a package.json without a name
// (which pnpm cannot select by name), its path from the root: "./packages/tools".
std::string filter_selector(const Project& project, const Package& package);

// The packages that have `script`, dependencies first (workspace dependencies only; ties keep
// folder order). In a workspace the root package is included only when no workspace package
// has the script. Packages in a dependency cycle keep their folder order among themselves.
std::vector<const Package*> build_order(const Project& project, const std::string& script);

// The first package of `failed` that `package` depends on, directly or through other workspace
// packages (whatever their scripts), searched depth-first in dependency order; "" when none.
// A build that fails blocks every package above it in the graph, not only its direct dependents.
std::string failed_dependency(const Project& project, const Package& package,
                              const std::set<std::string>& failed);

} // namespace farm::pnpm
