// `farm optimize`: the user's story. Ask optimize:pnpm what it would change (a dry run unless
// --apply), ask the history for build, AI and dev-service advice, and print all of it as one list,
// most urgent first. A part that has nothing to go on (not a pnpm project, no history) says which
// command would give it something, and the others still run.
#include "commands/optimize.hpp"

#include "commands/cli.hpp"
#include "commands/optimize_advice.hpp"
#include "commands/optimize_pnpm.hpp"
#include "commands/optimize_pnpm_view.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/history/store.hpp"
#include "farm/pnpm/config_rewrite.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/table.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace fs = std::filesystem;

namespace {

struct OptimizeAllOptions {
    bool apply = false;
    std::string since;
    std::string db;
    std::string config;
    std::string pnpm;
    bool json = false;
};

// The pnpm settings as recommendations: a store on another filesystem is the one HIGH item
// (every install copies), each setting change is MEDIUM, the other notes LOW.
std::vector<analysis::Recommendation> pnpm_recommendations(const PnpmPlanning& planning,
                                                           bool applied) {
    std::vector<analysis::Recommendation> out;
    std::string file = pnpm::file_name_of(planning.plan.target);
    for (const pnpm::SettingChange& c : planning.plan.changes) {
        bool yaml = c.file == pnpm::SettingsFile::workspace_yaml;
        std::string line = c.key + (yaml ? ": " : "=") + c.new_value;
        analysis::Recommendation r;
        r.priority = analysis::Priority::medium;
        r.area = "pnpm";
        r.subject = pnpm::file_name_of(c.file);
        r.rule = c.migrated ? "pnpm_migrate_setting" : "pnpm_setting";
        r.finding = c.key + " is " + (c.old_value ? *c.old_value : "not set") + " for pnpm " +
                    planning.version.text + ": " + c.why;
        r.action = (applied ? "set " : "set ") + line + " in " + pnpm::file_name_of(c.file) +
                   (applied ? " (done)" : " (`farm optimize:pnpm` writes it)");
        out.push_back(r);
    }
    for (const std::string& note : planning.plan.notes) {
        analysis::Recommendation r;
        bool store = note.find("another filesystem") != std::string::npos;
        r.priority = store ? analysis::Priority::high : analysis::Priority::low;
        r.area = "pnpm";
        r.subject = file;
        r.rule = store ? "pnpm_store_filesystem" : "pnpm_note";
        r.finding = note;
        r.action = store ? "move the store as proposed; every install copies until then"
                         : "see `farm optimize:pnpm --dry-run`";
        out.push_back(r);
    }
    return out;
}

void run_optimize_all(const OptimizeAllOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    std::vector<analysis::Recommendation> all;
    std::vector<std::string> skipped; // parts with nothing to go on, and why
    std::vector<std::string> kept;    // pnpm settings the project chose, left as they are

    OptimizePnpmOptions pnpm_options;
    pnpm_options.pnpm = o.pnpm;
    try {
        PnpmPlanning planning = plan_pnpm_settings(pnpm_options);
        bool applied = false;
        if (o.apply && planning.plan.has_changes()) {
            pnpm::SettingReader reader;
            if (planning.toolchain &&
                pnpm::settings_file_for(planning.toolchain->pnpm_version) == planning.plan.target) {
                reader = pnpm::pnpm_setting_reader(*planning.toolchain, planning.root);
            }
            pnpm::write_plan(planning.plan, pnpm::backup_folder_of(planning.root), reader);
            applied = true;
        }
        std::vector<analysis::Recommendation> items = pnpm_recommendations(planning, applied);
        all.insert(all.end(), items.begin(), items.end());
        kept = planning.plan.kept;
        if (planning.user_plan) {
            kept.insert(kept.end(), planning.user_plan->kept.begin(),
                        planning.user_plan->kept.end());
        }
    } catch (const UsageError& e) {
        skipped.push_back(std::string("pnpm settings: ") + e.what());
    }

    analysis::AdviceWindow window = advice_window_from(o.since);
    fs::path root = core::find_project_root(fs::current_path());
    core::Config config = core::load_config(
        root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    fs::path db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root);
    std::unique_ptr<history::Store> store;
    if (fs::exists(db_path)) {
        store = std::make_unique<history::Store>(db_path, history::Store::Mode::existing);
    }
    if (store && analysis::history_has_runs(*store, analysis::build_advice_kinds(), window)) {
        std::vector<analysis::Recommendation> items =
            analysis::advise_builds_from_history(*store, config, window);
        all.insert(all.end(), items.begin(), items.end());
    } else {
        skipped.push_back("builds: no build runs in the history yet; run `farm perf:build`");
    }
    if (store && analysis::history_has_runs(*store, analysis::ai_advice_kinds(), window)) {
        std::vector<analysis::Recommendation> items =
            analysis::advise_ai_from_history(*store, config, window);
        all.insert(all.end(), items.begin(), items.end());
    } else {
        skipped.push_back("AI: no AI runs in the history yet; run `farm perf:ai`");
    }
    if (store && analysis::history_has_runs(*store, analysis::dev_advice_kinds(), window)) {
        std::vector<analysis::Recommendation> items =
            analysis::advise_dev_from_history(*store, config, window);
        all.insert(all.end(), items.begin(), items.end());
    } else {
        skipped.push_back("dev services: no dev runs in the history yet; run `farm perf:dev`");
    }
    analysis::sort_by_priority(all);

    if (o.json) {
        nlohmann::json doc = report::advice_to_json(all);
        doc["skipped"] = skipped;
        doc["pnpm_settings_applied"] = o.apply;
        doc["pnpm_kept"] = kept;
        std::cout << doc.dump(2) << "\n";
    } else {
        if (all.empty()) {
            std::cout << "nothing to advise\n";
        } else {
            std::cout << report::render_advice(all, stdout_wants_color(), stdout_width());
        }
        if (!kept.empty()) {
            std::cout << "pnpm settings the project chose, left as they are:\n";
            print_kept(std::cout, kept, stdout_width());
        }
        for (const std::string& s : skipped) {
            std::cout << report::wrap_text("skipped " + s, stdout_width(), 2) << "\n";
        }
        if (!o.apply) {
            std::cout << report::wrap_text("(pnpm settings were not written: `farm optimize "
                                           "--apply` or `farm optimize:pnpm` writes them)",
                                           stdout_width())
                      << "\n";
        }
    }
    invocation.exit_code = 0;
}

} // namespace

void register_optimize_all(CLI::App& optimize, Invocation& invocation) {
    auto options = std::make_shared<OptimizeAllOptions>();
    optimize.add_flag("--apply", options->apply,
                      "also write the pnpm settings (as `farm optimize:pnpm` does)");
    optimize.add_option("--since", options->since,
                        "history advice from runs of the last AGE (30d) or since a UTC DATE");
    optimize.add_option("--db", options->db,
                        "history database (default .farm/perf.db, or FARM_DB)");
    optimize.add_option("--config", options->config, "farm config file");
    optimize.add_option("--pnpm", options->pnpm, "the pnpm binary");
    optimize.add_flag("--json", options->json, "print one farm.advice/1 document");
    CLI::App* self = &optimize;
    optimize.callback([options, self, &invocation] {
        if (self->get_subcommands().empty()) {
            run_optimize_all(*options, invocation);
        }
    });
}

} // namespace farm::commands
