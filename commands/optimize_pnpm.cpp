// `farm optimize:pnpm [DIR]`: the user's story. Find the pnpm version and the file it reads,
// plan the speed settings, show every change with its reason and a unified diff, and then, by
// default, write it safely and prove that pnpm reads the new values. --dry-run shows, --check
// fails when something would change, --measure times warm installs before and after.
#include "commands/optimize_pnpm.hpp"

#include "commands/cli.hpp"
#include "commands/optimize_pnpm_measure.hpp"
#include "commands/option_checks.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/core/unified_diff.hpp"
#include "farm/pnpm/config_rewrite.hpp"
#include "farm/pnpm/project.hpp"
#include "farm/pnpm/store_location.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
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
        bool yaml = planning.plan.target == pnpm::SettingsFile::workspace_yaml;
        std::string proposed = (store->project_mount / ".pnpm-store").string();
        planning.plan.notes.push_back(
            "the store (" + store->store.string() +
            ") is on another filesystem than the project, so pnpm copies packages instead of "
            "hard-linking them; put it on the project's filesystem: " +
            (yaml ? "storeDir: " + proposed + " in pnpm-workspace.yaml"
                  : "store-dir=" + proposed + " in .npmrc"));
    }
}

} // namespace

PnpmPlanning plan_pnpm_settings(const OptimizePnpmOptions& o) {
    PnpmPlanning planning;
    fs::path dir = o.dir.empty() ? fs::current_path() : fs::path(o.dir);
    pnpm::Project project = pnpm::load_project(dir);
    planning.root = project.root;
    if (!is_pnpm_project(project) && o.pnpm_version.empty()) {
        throw UsageError(
            "not a pnpm project: " + project.root.string() +
            " has a package.json but no pnpm-lock.yaml, no pnpm-workspace.yaml and no "
            "\"packageManager\": \"pnpm@...\"; run `pnpm install` there first, or name the "
            "version with --pnpm-version");
    }
    planning.toolchain = optional_toolchain(o, planning.root);

    std::optional<pnpm::Version> version;
    std::string found;
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
        found = "package.json says \"packageManager\": \"" + project.package_manager + "\"";
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

    pnpm::PlanOptions plan_options;
    unsigned cores = std::thread::hardware_concurrency();
    plan_options.facts.cores = cores == 0 ? 1 : int(cores);
    plan_options.facts.workspace = !project.packages.empty();
    plan_options.layout = o.layout;
    plan_options.migrate = o.migrate;
    planning.plan = pnpm::plan_config(planning.root, planning.version, plan_options);
    add_store_notes(planning);
    return planning;
}

namespace {

std::string display_name(const pnpm::PlannedFile& file) {
    std::error_code ignored;
    fs::path relative = fs::relative(file.path, fs::current_path(), ignored);
    return relative.empty() || relative.string().starts_with("..") ? file.path.string()
                                                                   : relative.string();
}

std::string diff_of(const pnpm::PlannedFile& file) {
    std::string name = display_name(file);
    return core::unified_diff(file.before, file.after, file.existed ? "a/" + name : "/dev/null",
                              "b/" + name);
}

std::string change_line(const pnpm::SettingChange& c) {
    bool yaml = c.file == pnpm::SettingsFile::workspace_yaml;
    std::string sep = yaml ? ": " : "=";
    if (c.migrated) {
        return "  > " + c.key + sep + c.new_value + "   " + c.why;
    }
    std::string line = "  " + std::string(c.old_value ? "~ " : "+ ") + c.key + sep +
                       (c.old_value ? *c.old_value + " -> " : "") + c.new_value + "   " + c.why;
    if (c.changes_layout) {
        line += "\n      WARNING: " + c.warning;
    }
    return line;
}

nlohmann::json to_json(const PnpmPlanning& planning, const std::string& mode, bool written,
                       const pnpm::RewriteResult& rewrite,
                       const std::optional<nlohmann::json>& measured) {
    nlohmann::json changes = nlohmann::json::array();
    for (const pnpm::SettingChange& c : planning.plan.changes) {
        changes.push_back({{"file", pnpm::file_name_of(c.file)},
                           {"key", c.key},
                           {"old", c.old_value ? nlohmann::json(*c.old_value) : nlohmann::json()},
                           {"new", c.new_value},
                           {"why", c.why},
                           {"changes_layout", c.changes_layout},
                           {"warning", c.warning},
                           {"migrated", c.migrated}});
    }
    nlohmann::json files = nlohmann::json::array();
    for (const pnpm::PlannedFile& f : planning.plan.files) {
        files.push_back({{"path", f.path.string()}, {"created", !f.existed}, {"diff", diff_of(f)}});
    }
    std::vector<std::string> backups;
    for (const fs::path& b : rewrite.backups) {
        backups.push_back(b.string());
    }
    nlohmann::json doc = {{"schema", "farm.optimize_pnpm/1"},
                          {"project", planning.root.string()},
                          {"pnpm_version", planning.version.text},
                          {"version_source", planning.version_source},
                          {"settings_file", pnpm::file_name_of(planning.plan.target)},
                          {"mode", mode},
                          {"changes", changes},
                          {"files", files},
                          {"notes", planning.plan.notes},
                          {"written", written},
                          {"backups", backups},
                          {"verified_by_pnpm", rewrite.verified_by_pnpm},
                          {"verification_notes", rewrite.notes}};
    doc["measure"] = measured ? *measured : nlohmann::json();
    return doc;
}

void run_optimize_pnpm(const OptimizePnpmOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    if (o.check && o.measure) {
        throw UsageError("--check writes nothing and measures nothing; use --measure without it");
    }
    PnpmPlanning planning = plan_pnpm_settings(o);
    const pnpm::ConfigPlan& plan = planning.plan;
    std::string mode = o.check ? "check" : o.dry_run ? "dry-run" : "write";

    if (!o.json) {
        std::cout << "pnpm " << planning.version.text << " (" << planning.version_source
                  << ") reads its settings from " << pnpm::file_name_of(plan.target) << "\n"
                  << "project: " << planning.root.string() << "\n\n";
        if (!plan.has_changes()) {
            std::cout << "nothing to change: the speed settings are already in place\n";
        }
        for (const pnpm::SettingChange& c : plan.changes) {
            std::cout << change_line(c) << "\n";
        }
        if (!plan.notes.empty()) {
            std::cout << "\nnotes:\n";
            for (const std::string& note : plan.notes) {
                std::cout << "  - " << note << "\n";
            }
        }
        for (const pnpm::PlannedFile& f : plan.files) {
            std::cout << "\n" << diff_of(f);
        }
        std::cout.flush();
    }

    std::optional<nlohmann::json> measured;
    if (o.measure && plan.has_changes()) {
        measured = measure_settings_change(planning, o);
    }

    pnpm::RewriteResult rewrite;
    bool written = false;
    if (mode == "write" && plan.has_changes()) {
        pnpm::SettingReader reader;
        if (planning.toolchain &&
            pnpm::settings_file_for(planning.toolchain->pnpm_version) == plan.target) {
            reader = pnpm::pnpm_setting_reader(*planning.toolchain, planning.root);
        }
        rewrite = pnpm::write_plan(plan, !o.no_backup, reader);
        written = true;
    }

    if (o.json) {
        std::cout << to_json(planning, mode, written, rewrite, measured).dump(2) << "\n";
    } else if (plan.has_changes()) {
        std::cout << "\n";
        if (mode == "check") {
            std::cout << plan.changes.size()
                      << " setting(s) would change; run `farm optimize:pnpm` to write them\n";
        } else if (mode == "dry-run") {
            std::cout << "dry run: nothing was written\n";
        } else {
            for (const pnpm::PlannedFile& f : plan.files) {
                std::cout << (f.existed ? "wrote " : "created ") << display_name(f) << "\n";
            }
            for (const fs::path& b : rewrite.backups) {
                std::cout << "kept the old file as " << b.filename().string() << "\n";
            }
            if (!rewrite.verified_by_pnpm.empty()) {
                std::cout << "verified: pnpm " << planning.toolchain->pnpm_version.text << " reads "
                          << core::join(rewrite.verified_by_pnpm, ", ") << " with the new values\n";
            }
            for (const std::string& note : rewrite.notes) {
                std::cout << "note: " << note << "\n";
            }
        }
    }
    std::cout.flush();
    invocation.exit_code = (mode == "check" && plan.has_changes()) ? 1 : 0;
}

} // namespace

void register_optimize_pnpm(CLI::App& optimize, Invocation& invocation) {
    auto options = std::make_shared<OptimizePnpmOptions>();
    CLI::App* cmd = optimize.add_subcommand(
        "pnpm", "rewrite pnpm's settings for faster installs (the right file for the version)");
    cmd->add_option("DIR", options->dir, "the project (default: the current folder)");
    cmd->add_flag("--dry-run", options->dry_run, "print the changes and the diff; write nothing");
    cmd->add_flag("--check", options->check,
                  "write nothing; exit 1 when a setting would change (for CI)");
    cmd->add_flag("--migrate", options->migrate,
                  "pnpm >= 10.6: move every non-auth setting from .npmrc into "
                  "pnpm-workspace.yaml");
    cmd->add_flag("--layout", options->layout,
                  "also settings that change the node_modules layout (nodeLinker: hoisted)");
    cmd->add_flag("--no-backup", options->no_backup, "do not keep the old file as FILE.bak");
    cmd->add_flag("--measure", options->measure,
                  "time warm installs with the old and the new settings, interleaved, and "
                  "record both");
    cmd->add_option("--runs", options->runs, "installs per side for --measure (default 5)")
        ->check(whole_number_check(2, 1'000));
    cmd->add_option("--pnpm", options->pnpm, "the pnpm binary (default: FARM_PNPM, then PATH)");
    cmd->add_option("--pnpm-version", options->pnpm_version,
                    "follow the rules of this pnpm version instead of detecting it");
    cmd->add_option("--db", options->db, "history database for --measure");
    cmd->add_flag("--json", options->json, "print a farm.optimize_pnpm/1 document");
    cmd->callback([options, &invocation] { run_optimize_pnpm(*options, invocation); });
}

} // namespace farm::commands
