// `farm optimize:pnpm [DIR]`: the user's story. Find the workspace root, the pnpm version and the
// file it reads, plan the speed settings a team can commit (the project's own choices stand),
// show every change with its reason and a unified diff, and then, by default, write it safely
// and prove that pnpm reads the new values. --dry-run shows, --check fails when something would
// change, --measure times installs before and after and writes only when the new settings are
// significantly faster (--apply-anyway overrides), --user writes the machine-specific settings
// to the user's own pnpm config.
#include "commands/optimize_pnpm.hpp"
#include "commands/progress_display.hpp"

#include "commands/cli.hpp"
#include "commands/optimize_pnpm_measure.hpp"
#include "commands/optimize_pnpm_view.hpp"
#include "commands/option_checks.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/config_rewrite.hpp"
#include "farm/pnpm/user_config.hpp"
#include "farm/report/table.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace farm::commands {

namespace fs = std::filesystem;

namespace {

// pnpm is asked to confirm a file only when the pnpm at hand reads that file.
pnpm::SettingReader reader_for(const PnpmPlanning& planning, bool user_file) {
    if (!planning.toolchain) {
        return {};
    }
    const pnpm::Version& at_hand = planning.toolchain->pnpm_version;
    bool reads_it = user_file ? pnpm::user_config_is_yaml(at_hand) ==
                                    pnpm::user_config_is_yaml(planning.version)
                              : pnpm::settings_file_for(at_hand) == planning.plan.target;
    if (!reads_it) {
        return {};
    }
    return pnpm::pnpm_setting_reader(*planning.toolchain, planning.root);
}

// --measure's verdict decides whether the project's files are written.
std::string measured_refusal(const OptimizePnpmOptions& o, const SettingsProof& proof) {
    if (!o.measure || proof.faster || o.apply_anyway) {
        return "";
    }
    return proof.why_not;
}

void write_user_config(const PnpmPlanning& planning, OptimizeOutcome& outcome, bool print) {
    const pnpm::ConfigPlan& user = *planning.user_plan;
    outcome.user_rewrite =
        pnpm::write_plan(user, pnpm::user_backup_folder(), reader_for(planning, true));
    outcome.user_written = true;
    if (print) {
        print_written(std::cout, user, outcome.user_rewrite,
                      planning.toolchain ? planning.toolchain->pnpm_version.text : "",
                      stdout_width());
    }
}

void run_optimize_pnpm(const OptimizePnpmOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    if (o.check && o.measure) {
        throw UsageError("--check writes nothing and measures nothing; use --measure without it");
    }
    if (o.apply_anyway && !o.measure) {
        throw UsageError("--apply-anyway overrides the verdict of --measure; without --measure "
                         "the settings are written anyway");
    }
    PnpmPlanning planning = plan_pnpm_settings(o);
    if (o.user && !planning.user_plan) {
        throw UsageError("--user: " + planning.user_note);
    }
    const pnpm::ConfigPlan& plan = planning.plan;
    OptimizeOutcome outcome;
    outcome.mode = o.check ? "check" : o.dry_run ? "dry-run" : "write";
    bool user_changes = o.user && planning.user_plan->has_changes();

    if (!o.json) {
        print_planning(std::cout, planning, o.user, stdout_width());
        std::cout.flush();
    }
    SettingsProof proof;
    if (o.measure && (plan.has_changes() || user_changes)) {
        proof = measure_settings_change(planning, o);
        outcome.measured = proof.doc;
        outcome.not_written_because = measured_refusal(o, proof);
    }
    if (outcome.mode == "write" && plan.has_changes() && outcome.not_written_because.empty()) {
        fs::path backups = o.no_backup ? fs::path() : pnpm::backup_folder_of(planning.root);
        outcome.rewrite = pnpm::write_plan(plan, backups, reader_for(planning, false));
        outcome.written = true;
    }
    if (!o.json) {
        std::cout << "\n";
    }
    if (outcome.mode == "write" && user_changes && outcome.not_written_because.empty()) {
        write_user_config(planning, outcome, !o.json);
    }

    if (o.json) {
        std::cout << optimize_pnpm_json(planning, outcome).dump(2) << "\n";
    } else if (plan.has_changes() || !outcome.not_written_because.empty()) {
        if (outcome.mode == "check") {
            std::cout << report::count_of(plan.changes.size(), "setting")
                      << " would change; run `farm optimize:pnpm` to write them\n";
        } else if (outcome.mode == "dry-run") {
            std::cout << "dry run: nothing was written\n";
        } else if (!outcome.not_written_because.empty()) {
            std::cout << report::wrap_text("not written: " + outcome.not_written_because +
                                               "; the settings files are as they were "
                                               "(--apply-anyway writes them)",
                                           stdout_width(), 2)
                      << "\n";
        } else {
            print_written(std::cout, plan, outcome.rewrite,
                          planning.toolchain ? planning.toolchain->pnpm_version.text : "",
                          stdout_width());
        }
    }
    std::cout.flush();
    invocation.exit_code = (outcome.mode == "check" && plan.has_changes()) ? 1 : 0;
}

} // namespace

void register_optimize_pnpm(CLI::App& optimize, Invocation& invocation) {
    auto options = std::make_shared<OptimizePnpmOptions>();
    CLI::App* cmd = optimize.add_subcommand(
        "pnpm", "rewrite pnpm's settings for faster installs (the right file for the version)");
    cmd->add_option("DIR", options->dir,
                    "the project, or any folder inside its workspace (default: the current "
                    "folder)");
    cmd->add_flag("--dry-run", options->dry_run, "print the changes and the diff; write nothing");
    cmd->add_flag("--check", options->check,
                  "write nothing; exit 1 when a setting would change (for CI)");
    cmd->add_flag("--migrate", options->migrate,
                  "pnpm >= 10.6: move every non-auth setting from .npmrc into "
                  "pnpm-workspace.yaml");
    cmd->add_flag("--layout", options->layout,
                  "also settings that change the node_modules layout (nodeLinker: hoisted)");
    cmd->add_flag("--workspace-settings", options->workspace_settings,
                  "also linkWorkspacePackages and preferWorkspacePackages, which change what "
                  "workspace dependencies resolve to");
    cmd->add_option("--force", options->force,
                    "replace the project's own value of KEY (repeatable); a line with a comment "
                    "is still left alone")
        ->type_name("KEY")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    cmd->add_flag("--user", options->user,
                  "also write the machine-specific settings (concurrency) to your own pnpm "
                  "config file");
    cmd->add_flag("--no-backup", options->no_backup, "do not keep the old files in .farm/backups/");
    cmd->add_flag("--measure", options->measure,
                  "time installs with the old and the new settings, interleaved, record both, "
                  "and write only when the new ones are significantly faster");
    cmd->add_flag("--apply-anyway", options->apply_anyway,
                  "with --measure: write even when the new settings were not proven faster");
    cmd->add_option("--runs", options->runs, "installs per side for --measure (default 8)")
        ->check(whole_number_check(4, 1'000));
    cmd->add_option("--pnpm", options->pnpm, "the pnpm binary (default: FARM_PNPM, then PATH)");
    cmd->add_option("--pnpm-version", options->pnpm_version,
                    "follow the rules of this pnpm version instead of detecting it");
    cmd->add_option("--db", options->db, "history database for --measure");
    add_progress_option(*cmd, options->no_progress);
    cmd->add_flag("--json", options->json, "print a farm.optimize_pnpm/1 document");
    cmd->callback([options, &invocation] { run_optimize_pnpm(*options, invocation); });
}

} // namespace farm::commands
