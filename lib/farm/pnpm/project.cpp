#include "farm/pnpm/project.hpp"

#include "farm/core/error.hpp"
#include "farm/core/glob.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/json_file.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <yaml-cpp/yaml.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

Package read_package(const fs::path& dir) {
    fs::path file = dir / "package.json";
    nlohmann::json manifest = core::read_json_file(file, "package manifest");
    if (!manifest.is_object()) {
        throw UsageError(file.string() + ":1:1: package.json must hold a JSON object");
    }
    Package package;
    package.dir = dir;
    auto name = manifest.find("name");
    package.has_name =
        name != manifest.end() && name->is_string() && !name->get<std::string>().empty();
    package.name = package.has_name ? name->get<std::string>() : dir.filename().string();
    auto scripts = manifest.find("scripts");
    if (scripts != manifest.end() && scripts->is_object()) {
        for (const auto& [key, value] : scripts->items()) {
            if (value.is_string()) {
                package.scripts[key] = value.get<std::string>();
            }
        }
    }
    for (const char* field :
         {"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}) {
        auto deps = manifest.find(field);
        if (deps != manifest.end() && deps->is_object()) {
            for (const auto& [dep, spec] : deps->items()) {
                package.dependencies.push_back(dep);
            }
        }
    }
    return package;
}

std::vector<std::string> workspace_patterns(const fs::path& file) {
    YAML::Node doc;
    try {
        // yaml-cpp refuses nesting past 2000 levels itself (YAML::DeepRecursion).
        doc = YAML::Load(core::read_input_file(file, "pnpm workspace file"));
    } catch (const YAML::Exception& e) {
        throw UsageError(file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": not valid YAML (" + e.msg + ")");
    }
    std::vector<std::string> patterns;
    if (!doc || doc.IsNull()) {
        return patterns;
    }
    if (!doc.IsMap()) {
        throw UsageError(file.string() + ":1:1: pnpm-workspace.yaml must be a mapping");
    }
    YAML::Node packages = doc["packages"];
    if (!packages) {
        return patterns;
    }
    if (!packages.IsSequence()) {
        throw UsageError(file.string() + ":" + std::to_string(packages.Mark().line + 1) + ":" +
                         std::to_string(packages.Mark().column + 1) +
                         ": `packages` must be a list of glob patterns");
    }
    for (const YAML::Node& item : packages) {
        if (!item.IsScalar()) {
            throw UsageError(file.string() + ":" + std::to_string(item.Mark().line + 1) + ":" +
                             std::to_string(item.Mark().column + 1) +
                             ": each entry of `packages` must be a glob pattern string");
        }
        patterns.push_back(item.as<std::string>());
    }
    return patterns;
}

// pnpm hands the patterns to fast-glob, where every "!" pattern excludes from all the positive
// ones, wherever it stands in the list: ["!packages/skip", "packages/*"] leaves skip out.
bool selected(const std::vector<std::string>& patterns, const std::string& relative) {
    bool included = false;
    for (const std::string& pattern : patterns) {
        if (pattern.starts_with("!")) {
            if (core::glob_match(pattern.substr(1), relative)) {
                return false;
            }
        } else if (core::glob_match(pattern, relative)) {
            included = true;
        }
    }
    return included;
}

std::vector<Package> find_workspace_packages(const fs::path& root,
                                             const std::vector<std::string>& patterns) {
    std::vector<Package> packages;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_directory(ec)) {
            continue;
        }
        std::string name = it->path().filename().string();
        if (name == "node_modules" || name == ".git" || name == ".farm") {
            it.disable_recursion_pending();
            continue;
        }
        std::string relative = fs::relative(it->path(), root, ec).generic_string();
        if (selected(patterns, relative) && fs::exists(it->path() / "package.json")) {
            packages.push_back(read_package(it->path()));
        }
    }
    std::sort(packages.begin(), packages.end(),
              [](const Package& a, const Package& b) { return a.dir < b.dir; });
    return packages;
}

} // namespace

Project load_project(const fs::path& dir) {
    fs::path root = fs::absolute(dir).lexically_normal();
    if (!fs::is_directory(root)) {
        // `farm perf:build sleep 1` reads `sleep` as the folder: say how to time a command.
        std::string word = dir.string();
        bool one_word = !word.empty() && word.find('/') == std::string::npos;
        throw UsageError("not a folder: " + root.string() +
                         (one_word
                              ? ". To time the command `" + word +
                                    "`, put it after `--`: `farm perf:build -- " + word + " ...`"
                              : std::string()));
    }
    if (!fs::exists(root / "package.json")) {
        throw UsageError("not a pnpm project: " + root.string() +
                         " has no package.json (farm looks for package.json and, for a "
                         "workspace, pnpm-workspace.yaml). Run it in the project's root, pass "
                         "the folder, or time a command with `farm perf:build -- COMMAND`.");
    }
    Project project;
    project.root = root;
    project.root_package = read_package(root);
    nlohmann::json manifest = core::read_json_file(root / "package.json", "package manifest");
    if (auto pm = manifest.find("packageManager"); pm != manifest.end() && pm->is_string()) {
        project.package_manager = pm->get<std::string>();
    }
    if (fs::exists(root / "pnpm-lock.yaml")) {
        project.lockfile = root / "pnpm-lock.yaml";
    }
    if (fs::exists(root / "pnpm-workspace.yaml")) {
        project.is_workspace = true;
        project.packages =
            find_workspace_packages(root, workspace_patterns(root / "pnpm-workspace.yaml"));
    }
    return project;
}

std::string filter_selector(const Project& project, const Package& package) {
    if (package.has_name) {
        return package.name;
    }
    return "./" + package.dir.lexically_relative(project.root).generic_string();
}

std::vector<const Package*> build_order(const Project& project, const std::string& script) {
    std::vector<const Package*> candidates;
    for (const Package& p : project.packages) {
        if (p.has_script(script)) {
            candidates.push_back(&p);
        }
    }
    if (candidates.empty()) {
        if (project.root_package.has_script(script)) {
            return {&project.root_package};
        }
        return {};
    }
    // Kahn's algorithm over workspace dependencies, taking the first ready package in folder
    // order each time so that the order is stable.
    std::map<std::string, const Package*> by_name;
    for (const Package& p : project.packages) {
        by_name[p.name] = &p;
    }
    std::vector<const Package*> order;
    std::set<const Package*> done;
    // A package is ready when every workspace package it depends on, directly or through
    // packages without the script, has been built.
    std::function<bool(const Package*, std::set<const Package*>&)> ready =
        [&](const Package* p, std::set<const Package*>& visiting) {
            if (!visiting.insert(p).second) {
                return true; // a cycle: do not wait on it
            }
            return std::all_of(p->dependencies.begin(), p->dependencies.end(),
                               [&](const std::string& dep) {
                                   auto it = by_name.find(dep);
                                   if (it == by_name.end() || it->second == p) {
                                       return true;
                                   }
                                   if (it->second->has_script(script)) {
                                       return done.count(it->second) > 0;
                                   }
                                   return ready(it->second, visiting);
                               });
        };
    while (order.size() < candidates.size()) {
        const Package* next = nullptr;
        for (const Package* p : candidates) {
            std::set<const Package*> visiting;
            if (!done.count(p) && ready(p, visiting)) {
                next = p;
                break;
            }
        }
        if (!next) { // a cycle: take the first remaining one
            for (const Package* p : candidates) {
                if (!done.count(p)) {
                    next = p;
                    break;
                }
            }
        }
        done.insert(next);
        order.push_back(next);
    }
    return order;
}

std::string failed_dependency(const Project& project, const Package& package,
                              const std::set<std::string>& failed) {
    std::map<std::string, const Package*> by_name;
    for (const Package& p : project.packages) {
        by_name[p.name] = &p;
    }
    std::set<const Package*> seen{&package}; // a cycle is walked once
    std::function<std::string(const Package&)> search = [&](const Package& p) -> std::string {
        for (const std::string& dep : p.dependencies) {
            if (failed.count(dep) && dep != package.name) {
                return dep;
            }
            auto it = by_name.find(dep);
            if (it != by_name.end() && seen.insert(it->second).second) {
                if (std::string found = search(*it->second); !found.empty()) {
                    return found;
                }
            }
        }
        return "";
    };
    return search(package);
}

} // namespace farm::pnpm
