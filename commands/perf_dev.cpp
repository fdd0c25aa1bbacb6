#include "commands/perf_dev.hpp"

#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "commands/time_options.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/dev/browser.hpp"
#include "farm/dev/session.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/exec/process.hpp"
#include "farm/history/store.hpp"
#include "farm/report/dev_record.hpp"
#include "farm/report/dev_view.hpp"
#include "farm/report/trace_dev.hpp"
#include "farm/sys/context.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

struct PerfDevOptions {
    std::size_t runs = 3;
    std::size_t reloads = 3;
    double duration_s = 2;
    double timeout_s = 30;
    std::vector<std::string> services;
    std::string config;
    std::string db;
    std::string dir;
    bool browser = false;
    std::string chromium;
    std::string trace; // --trace FILE: Chrome trace-event JSON
    bool no_record = false;
    bool json = false;
    bool no_progress = false;
};

int exit_code_for(dev::DevOutcome outcome) {
    switch (outcome) {
    case dev::DevOutcome::completed:
        return int(ExitCode::ok);
    case dev::DevOutcome::failed:
        return int(ExitCode::command_failed);
    case dev::DevOutcome::interrupted:
        return int(ExitCode::interrupted);
    }
    return int(ExitCode::command_failed);
}

void run_perf_dev(const PerfDevOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    report::TraceEvents trace; // time zero of --trace: the command's start
    if (!o.dir.empty() && !std::filesystem::is_directory(o.dir)) {
        throw UsageError(o.dir + ": no such folder");
    }
    if (!o.trace.empty()) {
        report::check_trace_path(o.trace);
    }
    std::filesystem::path root = core::find_project_root(
        o.dir.empty() ? std::filesystem::current_path() : std::filesystem::absolute(o.dir));
    core::Config config = core::load_config(
        root, o.config.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.config));

    dev::DevPlan plan;
    plan.services = dev::plan_services(config.dev, root, o.services);
    plan.runs = o.runs;
    plan.reloads = o.reloads;
    plan.duration_s = o.duration_s;
    plan.timeout_s = o.timeout_s;
    if (o.browser || !o.chromium.empty()) {
        plan.chromium = dev::find_chromium(o.chromium).string();
    }

    // Everything that can be refused is refused before the first service starts.
    std::unique_ptr<history::Store> store;
    if (!o.no_record) {
        store = std::make_unique<history::Store>(
            core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root),
            history::Store::Mode::create);
    }
    dev::check_ports_free(plan.services);
    exec::install_interrupt_handlers();
    exec::become_subreaper();

    history::Run base;
    base.folder = root.string();
    base.context = sys::collect_context(root);
    base.started_at = core::utc_now_iso8601();

    dev::DevResult result;
    {
        ProgressDisplay progress("perf:dev", progress_mode(o.no_progress));
        report::ProgressSnapshot starting;
        starting.label = "run 1/" + std::to_string(plan.runs) + ": starting the services";
        starting.fraction = 0;
        progress.show(starting);
        result = dev::measure_dev(plan, [&](const dev::DevProgress& step) {
            report::ProgressSnapshot snapshot;
            snapshot.label = step.text;
            snapshot.fraction = step.total > 0 ? double(step.done) / double(step.total) : 0;
            progress.show(std::move(snapshot));
        });
    }
    if (!o.trace.empty()) {
        report::add_dev_session(trace, result);
        report::write_trace_file(o.trace, trace);
    }
    base.duration_s = result.total_s;
    base.status = report::dev_run_status(result.outcome);
    report::DevReport records = report::dev_runs(result, base);
    report::DevView view = report::make_dev_view(result, records.findings, config.thresholds.dev);
    if (store) {
        for (history::Run& run : records.runs) {
            run.id = store->record(run);
            view.run_ids.push_back(run.id);
        }
    }

    if (o.json) {
        std::cout << report::dev_to_json(view).dump(2) << "\n";
    } else {
        std::cout << report::render_dev(view, stdout_wants_color(), stdout_width());
        if (store && !view.run_ids.empty()) {
            std::cout << "  recorded as " << view.run_ids.size() << " runs (kind dev) in "
                      << store->path().string() << "\n";
        }
    }
    std::cout.flush();
    if (!result.failure.empty()) {
        std::cerr << "farm: " << result.failure << "\n";
    }
    invocation.exit_code = exit_code_for(result.outcome);
}

} // namespace

void register_perf_dev(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfDevOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "dev", "Start the dev services, time start-up until ready and hot reloads, sample CPU "
               "and memory, stop them all.");
    cmd->add_option("dir", options->dir,
                    "the project (default: the one the current folder is in); at a turbo or Nx "
                    "root without dev.services, every package with a dev script is a service");
    cmd->add_option("-r,--runs", options->runs,
                    "start-ups to time (each starts and stops every service)")
        ->check(whole_number_check(1, 1'000))
        ->capture_default_str();
    cmd->add_option("--reloads", options->reloads,
                    "hot reloads to time per service with a reload setting (in the last run)")
        ->check(whole_number_check(0, 1'000))
        ->capture_default_str();
    cmd->add_option("-d,--duration", options->duration_s,
                    "seconds of CPU and memory sampling after the services are ready, each run")
        ->check(seconds_check(ZeroIs::allowed, 0, 3600))
        ->capture_default_str();
    cmd->add_option("-t,--timeout", options->timeout_s,
                    "seconds a service may take to be ready (and a reload to be seen)")
        ->check(seconds_check(ZeroIs::refused, 0.1, 86400))
        ->capture_default_str();
    cmd->add_option("-s,--service", options->services,
                    "measure only this service (repeatable; default: all of dev.services)");
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--browser", options->browser,
                  "load each service's page in headless Chromium: the page's load event joins "
                  "the start-up phases, and reloads are timed until the page shows the edit");
    cmd->add_option("--chromium", options->chromium,
                    "the Chromium to run (implies --browser; default: chromium on PATH)");
    cmd->add_option("--trace", options->trace,
                    "write a timeline to FILE (Chrome trace-event JSON, opens in Perfetto): "
                    "each service's start-up phases and reloads");
    cmd->add_flag("--no-record", options->no_record, "do not store the results in the history");
    add_progress_option(*cmd, options->no_progress);
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.dev/1)");
    cmd->callback([options, &invocation] { run_perf_dev(*options, invocation); });
}

} // namespace farm::commands
