// `farm perf`: the user's story. Look at the machine now, at the newest result of every subject
// in the history and at what is wrong (budgets breached, urgent advice); print it once, or with
// --watch on a terminal keep it on screen as a monitor (meters for CPU, each core, memory, disk
// and each GPU) redrawn every --interval (1 s) and at once when the window's size changes, until q,
// Ctrl-C or SIGTERM.
#include "commands/perf_dashboard.hpp"

#include "commands/cli.hpp"
#include "commands/live_screen.hpp"
#include "commands/option_checks.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "commands/time_options.hpp"
#include "farm/analysis/budgets.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/history/store.hpp"
#include "farm/report/dashboard_screen.hpp"
#include "farm/report/dashboard_view.hpp"
#include "farm/report/dataset_builder.hpp"
#include "farm/sys/context.hpp"
#include "farm/sys/system_monitor.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

struct PerfDashboardOptions {
    bool watch = false;
    double interval_s = 1;
    std::size_t last = 10;
    std::string db;
    std::string config;
    bool json = false;
};

// What stays the same from one frame to the next.
struct DashboardSources {
    fs::path root;
    fs::path db_path;
    core::Config config;
    sys::Nvml nvml = sys::Nvml::open();
    std::string host = sys::collect_host().name;
    // Made at the first frame: each later frame's CPU and disk I/O figures cover the time since
    // the frame before.
    std::optional<sys::SystemMonitor> monitor;
};

report::DashboardData gather(DashboardSources& sources, std::size_t last) {
    report::DashboardData data;
    data.generated_at = core::utc_now_iso8601();
    data.host = sources.host;
    if (!sources.monitor) {
        sources.monitor.emplace(sources.root);
    }
    data.system = sources.monitor->sample();
    data.cpu_history_pct = sources.monitor->cpu_history();
    data.gpus = sources.nvml.read();
    data.gpu_unavailable = sources.nvml.available() ? "" : sources.nvml.unavailable_reason();
    data.database = sources.db_path.string();
    data.budgets = analysis::check_budgets(sources.config.build.budgets, sources.root);
    // Reopened every frame: runs recorded meanwhile by another farm show up at once.
    data.have_history = fs::exists(sources.db_path);
    if (data.have_history) {
        history::Store store(sources.db_path, history::Store::Mode::existing);
        report::ReportQuery query;
        query.last = last;
        data.subjects = report::load_trends(store, query);
        std::vector<history::Run> latest;
        for (const report::SubjectTrend& trend : data.subjects) {
            if (trend.runs.empty()) {
                continue;
            }
            // Reread every frame: only what a threshold looks at.
            std::int64_t id = trend.runs.back().id;
            if (auto metrics =
                    analysis::threshold_metrics(sources.config, store.load_run_header(id))) {
                latest.push_back(store.load_run(id, metrics));
            }
        }
        data.thresholds = analysis::threshold_alerts(sources.config, latest);
        analysis::AdviceWindow window;
        std::vector<analysis::Recommendation> advice =
            analysis::advise_builds_from_history(store, sources.config, window);
        std::vector<analysis::Recommendation> ai =
            analysis::advise_ai_from_history(store, sources.config, window);
        advice.insert(advice.end(), ai.begin(), ai.end());
        data.alerts_advice = report::urgent_advice(std::move(advice));
    }
    return data;
}

void run_perf_dashboard(const PerfDashboardOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    DashboardSources sources;
    sources.root = core::find_project_root(fs::current_path());
    sources.config = core::load_config(
        sources.root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    sources.db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), sources.root);

    if (o.json) {
        std::cout << report::dashboard_to_json(gather(sources, o.last)).dump(2) << "\n";
        return;
    }
    // Piped or redirected, --watch prints once: a log file wants one picture, not escape codes.
    if (!o.watch || !stdout_is_terminal()) {
        std::cout << report::render_dashboard(gather(sources, o.last), stdout_wants_color(),
                                              stdout_width());
        return;
    }
    bool color = stdout_wants_color();
    LiveScreen screen;
    report::DashboardData data;
    LiveScreen::Event event = LiveScreen::Event::timeout;
    while (event != LiveScreen::Event::quit) {
        // A resize redraws what is on screen for the new size at once; each tick gathers anew.
        if (event == LiveScreen::Event::timeout) {
            data = gather(sources, o.last);
        }
        screen.draw(report::dashboard_screen(data, screen.size(), color));
        event = screen.wait(std::chrono::milliseconds(std::int64_t(o.interval_s * 1000)));
    }
    invocation.exit_code = 0; // leaving the dashboard is its normal end, Ctrl-C included
}

} // namespace

void register_perf_dashboard(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfDashboardOptions>();
    perf.add_flag("--watch", options->watch,
                  "dashboard: a live monitor on a terminal, redrawn every --interval and on "
                  "resize (q or Ctrl-C to leave); piped, print once");
    perf.add_option("--interval", options->interval_s,
                    "dashboard: seconds between two frames of --watch (0.1 to 3600)")
        ->check(seconds_check(ZeroIs::refused, 0.1, 3600))
        ->capture_default_str();
    perf.add_option("--last", options->last, "dashboard: runs per subject in the trend")
        ->check(whole_number_check(1, 1'000'000))
        ->capture_default_str();
    perf.add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    perf.add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    perf.add_flag("--json", options->json, "dashboard: one JSON document (farm.dashboard/1)");
    CLI::App* self = &perf;
    perf.callback([options, self, &invocation] {
        if (self->get_subcommands().empty()) {
            run_perf_dashboard(*options, invocation);
        }
    });
}

} // namespace farm::commands
