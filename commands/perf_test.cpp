// `farm perf:test`: the user's story. Read the suites from farm.config.json, run each one (a
// failing suite does not stop the others), record its runs, check its thresholds and budgets,
// show one pass/fail table, write JUnit XML when asked, and exit 1 when anything failed.
#include "commands/perf_test.hpp"

#include "commands/cli.hpp"
#include "commands/perf_test_ai.hpp"
#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/atomic_file.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/store.hpp"
#include "farm/pnpm/toolchain.hpp"
#include "farm/report/junit.hpp"
#include "farm/report/suite_run.hpp"
#include "farm/report/suite_view.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

struct PerfTestOptions {
    std::vector<std::string> suites; // only these, by name
    bool ai_providers = false;
    bool load = false;
    std::string junit;
    std::string pnpm;
    std::string config;
    std::string db;
    bool no_record = false;
    bool json = false;
    bool no_progress = false;
};

std::vector<const core::TestSuite*> selected_suites(const core::Config& config,
                                                    const std::vector<std::string>& names) {
    if (config.test.suites.empty()) {
        throw UsageError(
            std::string(config.file ? config.file->string() : "farm.config.json") +
            ": no test suites; add \"test\": {\"suites\": [...]} (docs/config.md, \"test\")");
    }
    std::vector<std::string> known;
    for (const core::TestSuite& s : config.test.suites) {
        known.push_back(s.name);
    }
    for (const std::string& name : names) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string message = "--suite " + name + ": no suite of that name";
            if (std::optional<std::string> close = core::closest_match(name, known)) {
                message += "; did you mean " + *close + "?";
            }
            throw UsageError(message);
        }
    }
    std::vector<const core::TestSuite*> out;
    for (const core::TestSuite& s : config.test.suites) {
        if (names.empty() || std::find(names.begin(), names.end(), s.name) != names.end()) {
            out.push_back(&s);
        }
    }
    return out;
}

// The pnpm binary, looked for only when a suite measures a pnpm project.
std::string pnpm_for(const std::vector<const core::TestSuite*>& suites, const std::string& pnpm,
                     const fs::path& root) {
    bool needed = std::any_of(suites.begin(), suites.end(), [](const core::TestSuite* s) {
        return s->kind == "build" && s->command.empty();
    });
    if (!needed) {
        return {};
    }
    return pnpm::find_toolchain(pnpm.empty() ? std::nullopt : std::optional(pnpm), root).pnpm;
}

void run_perf_test(const PerfTestOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    fs::path root = core::find_project_root(fs::current_path());
    core::Config config = core::load_config(
        root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    std::vector<const core::TestSuite*> suites = selected_suites(config, o.suites);
    std::map<std::string, report::SuiteRunner> runners = report::default_suite_runners();
    runners["ai"] = run_ai_suite;

    exec::install_interrupt_handlers();
    exec::become_subreaper();
    std::unique_ptr<history::Store> store;
    if (!o.no_record) {
        store = std::make_unique<history::Store>(
            core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root),
            history::Store::Mode::create);
    }
    report::SuiteEnvironment environment;
    environment.config = &config;
    environment.project_root = root;
    environment.pnpm = pnpm_for(suites, o.pnpm, root);
    environment.ai_providers = o.ai_providers;
    environment.load = o.load;

    std::string started_at = core::utc_now_iso8601();
    std::vector<report::SuiteOutcome> outcomes;
    bool interrupted = false;
    ProgressDisplay progress("perf:test", progress_mode(o.no_progress));
    environment.progress = [&](const std::string& step, const measure::Progress& p) {
        progress.show(report::run_progress(step, p));
    };
    for (const core::TestSuite* suite : suites) {
        report::SuiteOutcome outcome = report::run_suite(*suite, environment, runners);
        if (store) {
            for (history::Run& run : outcome.job.runs) {
                run.id = store->record(run);
            }
        }
        interrupted = outcome.job.outcome == measure::Outcome::interrupted;
        outcomes.push_back(std::move(outcome));
        if (interrupted) {
            break;
        }
    }
    progress.finish();

    if (!o.junit.empty()) {
        core::write_file_atomically(o.junit, report::render_junit(outcomes, started_at));
    }
    if (o.json) {
        std::cout << report::suite_results_to_json(outcomes).dump(2) << "\n";
    } else {
        std::cout << report::render_suite_results(outcomes, stdout_wants_color(), stdout_width());
        if (!o.junit.empty()) {
            std::cout << "JUnit XML: " << o.junit << "\n";
        }
        if (interrupted) {
            std::cout << "interrupted: the suites after " << outcomes.back().name
                      << " did not run\n";
        }
    }
    std::cout.flush();
    bool failed = std::any_of(outcomes.begin(), outcomes.end(),
                              [](const report::SuiteOutcome& s) { return s.failed(); });
    invocation.exit_code = int(interrupted ? ExitCode::interrupted
                               : failed    ? ExitCode::check_failed
                                           : ExitCode::ok);
}

} // namespace

void register_perf_test(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfTestOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "test", "Run the performance suites of farm.config.json against their thresholds and "
                "budgets; exit 1 when one fails.");
    cmd->add_option("--suite", options->suites, "run only this suite (repeatable)");
    cmd->add_flag("--ai-providers", options->ai_providers,
                  "AI suites: run against every provider of ai.providers");
    cmd->add_flag("--load", options->load,
                  "AI suites: also run each suite's load test (its \"load\" settings, bounded in "
                  "requests and duration)");
    cmd->add_option("--junit", options->junit, "also write the verdicts as JUnit XML to FILE")
        ->type_name("FILE");
    cmd->add_option("--pnpm", options->pnpm, "the pnpm binary (default: FARM_PNPM, else PATH)");
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--no-record", options->no_record, "do not store the runs in the history");
    add_progress_option(*cmd, options->no_progress);
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.test/1)");
    cmd->callback([options, &invocation] { run_perf_test(*options, invocation); });
}

} // namespace farm::commands
