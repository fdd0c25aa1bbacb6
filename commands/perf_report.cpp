#include "commands/perf_report.hpp"

#include "commands/cli.hpp"
#include "commands/terminal.hpp"
#include "farm/core/paths.hpp"
#include "farm/history/store.hpp"
#include "farm/report/history_view.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

struct PerfReportOptions {
    std::string kind;
    std::string subject;
    std::size_t last = 5;
    std::string db;
    bool json = false;
};

void run_perf_report(const PerfReportOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    std::filesystem::path root = core::find_project_root(std::filesystem::current_path());
    std::filesystem::path db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root);

    std::vector<history::RunOverview> runs;
    if (std::filesystem::exists(db_path)) {
        history::Store store(db_path, history::Store::Mode::existing);
        history::RunQuery query;
        if (!o.kind.empty()) {
            query.kind = o.kind;
        }
        if (!o.subject.empty()) {
            query.subject_glob = o.subject;
        }
        // One run more than shown, so that the oldest shown has a previous run to compare with.
        query.per_subject = o.last + 1;
        runs = store.recent_runs(query);
    }
    if (o.json) {
        nlohmann::json j = report::recent_runs_to_json(runs, o.last);
        j["database"] = db_path.string();
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::cout << report::render_recent_runs(runs, o.last, stdout_wants_color());
    if (!runs.empty()) {
        std::cout << "history: " << db_path.string() << "\n";
    }
}

} // namespace

void register_perf_report(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfReportOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "report", "Recent runs of each subject, with the change against the previous run.\n"
                  "Usage: farm perf:report [OPTIONS]");
    cmd->add_option("--kind", options->kind, "only runs of this kind (build, install, dev, ai)");
    cmd->add_option("--subject", options->subject,
                    "only subjects matching this glob (* and ?), e.g. 'build:*'");
    cmd->add_option("--last", options->last, "runs shown per subject")
        ->check(CLI::Range(std::size_t(1), std::size_t(100000)))
        ->capture_default_str();
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.report.recent/1)");
    cmd->callback([options, &invocation] { run_perf_report(*options, invocation); });
}

} // namespace farm::commands
