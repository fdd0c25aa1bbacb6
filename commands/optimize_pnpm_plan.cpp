// `farm optimize:pnpm`, the planning half: which project (the workspace root, also from a
// sub-package), which pnpm version (--pnpm-version, package.json "packageManager",
// "devEngines.packageManager", then the pnpm at hand), which facts about the machine and the
// workspace, and the plans for the project's files and the user's own pnpm config.
#include "commands/optimize_pnpm.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/project.hpp"
#include "farm/pnpm/project_settings.hpp"
#include "farm/pnpm/store_location.hpp"
#include "farm/pnpm/user_config.hpp"

#include <thread>

namespace farm::commands {

namespace fs = std::filesystem;

namespace {

bool is_pnpm_project(const pnpm::Project& project) {
    return project.package_manager.starts_with("pnpm@") || project.lockfile ||
           fs::exists(project.root / "pnpm-workspace.yaml");
}

std::optional<pnpm::Toolchain> optional_toolchain(const OptimizePnpmOptions& o,
                                                  const fs::path& root) {
    try {
        return pnpm::find_toolchain(o.pnpm.empty() ? std::nullopt : std::optional(o.pnpm), root);
    } catch (const UsageError&) {
        if (!o.pnpm.empty()) {
            throw; // a pnpm the user named must run
        }
        return std::nullopt;
    }
}

void add_store_notes(PnpmPlanning& planning) {
    if (!planning.toolchain) {
        planning.plan.notes.push_back("the store was not checked: no pnpm to ask where it is");
        return;
    }
    std::optional<pnpm::StoreLocation> store =
        pnpm::locate_store(*planning.toolchain, planning.root);
    if (!store) {
        planning.plan.notes.push_back("the store was not checked: `pnpm store path` failed");
    } else if (!store->same_filesystem) {
        // Where the store lives is the machine's business: it is advised for the user's config.
        std::string proposed = (store->project_mount / ".pnpm-store").string();
        planning.plan.notes.push_back(
            "the store (" + store->store.string() +
            ") is on another filesystem than the project, so pnpm copies packages instead of "
            "hard-linking them; put it on the project's filesystem in your own pnpm config "
            "(not the project's): storeDir " +
            proposed);
    }
}

// The version and where it was found; throws farm::UsageError when none is known.
void find_version(PnpmPlanning& planning, const OptimizePnpmOptions& o,
                  const pnpm::Project& project) {
    std::optional<pnpm::Version> version;
    std::string found;
    std::string dev_engines = pnpm::dev_engines_pnpm(project.root);
    if (!o.pnpm_version.empty()) {
        version = pnpm::parse_version(o.pnpm_version);
        planning.version_source = "--pnpm-version";
        if (!version || !pnpm::is_known_version(*version)) {
            throw UsageError("--pnpm-version " + o.pnpm_version +
                             ": farm knows the settings files of pnpm 7 to 12");
        }
    } else if (!project.package_manager.empty()) {
        version = pnpm::parse_package_manager(project.package_manager);
        planning.version_source = "package.json packageManager";
        found = "package.json says \"packageManager\": \"" +
                core::excerpt(project.package_manager) + "\"";
    } else if (!dev_engines.empty()) {
        version = pnpm::parse_version(dev_engines);
        planning.version_source = "package.json devEngines.packageManager";
        found =
            "package.json's devEngines.packageManager asks for pnpm " + core::excerpt(dev_engines);
    } else if (planning.toolchain) {
        version = planning.toolchain->pnpm_version;
        planning.version_source = "pnpm --version";
        found = planning.toolchain->pnpm + " --version says " + version->text;
    } else {
        found = "package.json has no \"packageManager\" and no pnpm runs here";
    }
    if (!version || !pnpm::is_known_version(*version)) {
        throw UsageError("unknown pnpm version: " + found +
                         "; farm knows the settings files of pnpm 7 to 12. Nothing was written. "
                         "Name the version with --pnpm-version (e.g. --pnpm-version 10.6).");
    }
    planning.version = *version;
}

void plan_user_settings(PnpmPlanning& planning, const pnpm::MachineFacts& facts) {
    try {
        planning.user_file = pnpm::user_config_file(planning.version);
        planning.user_plan =
            pnpm::plan_user_config(planning.root, planning.version, facts, planning.user_file);
    } catch (const UsageError& e) {
        planning.user_note = e.what();
    }
}

} // namespace

PnpmPlanning plan_pnpm_settings(const OptimizePnpmOptions& o) {
    PnpmPlanning planning;
    fs::path dir = o.dir.empty() ? fs::current_path() : fs::path(o.dir);
    std::optional<fs::path> workspace = pnpm::workspace_root_of(dir);
    std::string sub_package_note;
    if (workspace && fs::exists(*workspace / "package.json") &&
        fs::weakly_canonical(*workspace) != fs::weakly_canonical(dir)) {
        sub_package_note = "run in " + fs::absolute(dir).lexically_normal().string() +
                           ", a folder inside the workspace: the settings are the workspace "
                           "root's, so its files are the ones planned";
        dir = *workspace;
    }
    pnpm::Project project = pnpm::load_project(dir);
    planning.root = project.root;
    if (!is_pnpm_project(project) && o.pnpm_version.empty() &&
        pnpm::dev_engines_pnpm(project.root).empty()) {
        throw UsageError(
            "not a pnpm project: " + project.root.string() +
            " has a package.json but no pnpm-lock.yaml, no pnpm-workspace.yaml and no "
            "\"packageManager\": \"pnpm@...\"; run `pnpm install` there first, or name the "
            "version with --pnpm-version");
    }
    planning.toolchain = optional_toolchain(o, planning.root);
    find_version(planning, o, project);

    pnpm::PlanOptions plan_options;
    unsigned cores = std::thread::hardware_concurrency();
    plan_options.facts.cores = cores == 0 ? 1 : int(cores);
    plan_options.facts.workspace = !project.packages.empty();
    plan_options.facts.workspace_settings = o.workspace_settings;
    plan_options.facts.workspace_links_matter =
        plan_options.facts.workspace && pnpm::workspace_links_matter(project);
    plan_options.layout = o.layout;
    plan_options.migrate = o.migrate;
    plan_options.force = o.force;
    planning.plan = pnpm::plan_config(planning.root, planning.version, plan_options);
    if (!sub_package_note.empty()) {
        planning.plan.notes.insert(planning.plan.notes.begin(), sub_package_note);
    }
    add_store_notes(planning);
    plan_user_settings(planning, plan_options.facts);
    return planning;
}

} // namespace farm::commands
