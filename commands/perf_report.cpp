// `farm perf:report`: what the history holds and how it changed. One command, several jobs:
// the trend report (default), --compare (exit 1 on a regression), --export FILE, --push URL,
// --import FILE and --prune.
#include "commands/perf_report.hpp"

#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/atomic_file.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/history/import_hyperfine.hpp"
#include "farm/history/store.hpp"
#include "farm/report/chart_limits.hpp"
#include "farm/report/compare_view.hpp"
#include "farm/report/dataset_builder.hpp"
#include "farm/report/export.hpp"
#include "farm/report/export_json.hpp"
#include "farm/report/export_prometheus.hpp"
#include "farm/report/push.hpp"
#include "farm/report/table.hpp"
#include "farm/report/trend_view.hpp"
#include "farm/sys/context.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

struct PerfReportOptions {
    std::string kind;
    std::string subject;
    std::string since;
    std::string branch;
    std::size_t last = 10;
    bool compare = false;
    std::string baseline;
    std::size_t baseline_runs = 5;
    double alpha = 0;
    double threshold = -1;
    std::vector<std::string> metrics;
    std::string fail_on = "slower";
    std::string export_file;
    std::string push_url;
    std::string import_file;
    bool prune = false;
    std::string older_than;
    std::size_t keep_last = 0;
    std::string db;
    std::string config;
    bool json = false;
};

std::string iso_ago(const std::string& age, const char* option) {
    std::optional<double> seconds = core::parse_age(age);
    if (!seconds) {
        throw UsageError(std::string(option) + " " + age +
                         ": give an age like 30d, 12h, 90m or 2w");
    }
    double now = double(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()) /
                 1000.0;
    return core::utc_iso8601_from_unix(now - *seconds);
}

report::ReportQuery query_from(const PerfReportOptions& o) {
    report::ReportQuery q;
    if (!o.kind.empty()) {
        q.kind = o.kind;
    }
    if (!o.subject.empty()) {
        q.subject_glob = o.subject;
    }
    if (!o.since.empty()) {
        q.since = iso_ago(o.since, "--since");
    }
    if (!o.branch.empty()) {
        q.branch = o.branch;
    }
    q.last = o.last;
    return q;
}

// Each result is looked up by its content hash first: a file imported twice adds nothing. The
// new runs are recorded in one transaction.
void import_runs(const PerfReportOptions& o, const fs::path& db_path) {
    std::vector<history::Run> runs = history::runs_from_hyperfine(
        o.import_file, o.subject.empty() ? std::nullopt : std::optional(o.subject));
    history::Store store(db_path, history::Store::Mode::create);
    std::vector<history::Run> fresh;
    for (history::Run& run : runs) {
        if (std::optional<std::int64_t> id = store.imported_run(run.import_digest)) {
            std::cout << "`" << run.command << "` (" << run.subject << ") was already imported as #"
                      << *id << "; not added again\n";
        } else {
            fresh.push_back(std::move(run));
        }
    }
    std::vector<std::int64_t> ids = store.record_all(fresh);
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        std::cout << "imported " << fresh[i].iterations.size() << " runs of `" << fresh[i].command
                  << "` as #" << ids[i] << " (" << fresh[i].subject << ")\n";
    }
}

void prune_runs(const PerfReportOptions& o, const fs::path& db_path) {
    if (o.older_than.empty() && o.keep_last == 0) {
        throw UsageError("--prune needs --older-than AGE (e.g. 30d) or --keep-last N");
    }
    history::Store store(db_path, history::Store::Mode::existing);
    std::optional<std::string> older;
    if (!o.older_than.empty()) {
        older = iso_ago(o.older_than, "--older-than");
    }
    std::vector<history::PruneResult> removed =
        store.prune(older, o.keep_last ? std::optional(o.keep_last) : std::nullopt,
                    o.kind.empty() ? std::nullopt : std::optional(o.kind),
                    o.subject.empty() ? std::nullopt : std::optional(o.subject));
    std::size_t total = 0;
    for (const history::PruneResult& r : removed) {
        std::cout << "removed " << r.runs << (r.runs == 1 ? " run of " : " runs of ") << r.kind
                  << " · " << r.subject << "\n";
        total += r.runs;
    }
    auto [runs, iterations] = store.size();
    std::cout << (total == 0 ? "nothing to remove" : "removed " + std::to_string(total) + " runs")
              << "; the history keeps " << runs << " runs (" << iterations << " iterations) in "
              << db_path.string() << "\n";
}

std::optional<report::ExportFormat> export_format_of(const PerfReportOptions& o) {
    if (o.export_file.empty()) {
        return std::nullopt;
    }
    std::optional<report::ExportFormat> format = report::export_format_for(o.export_file);
    if (!format) {
        throw UsageError("cannot export to " + o.export_file +
                         ": the extension picks the format; use one of " +
                         report::supported_export_extensions());
    }
    return format;
}

report::CompareRequest compare_request(const PerfReportOptions& o, const core::Config& config,
                                       const report::ReportQuery& query, const fs::path& root) {
    report::CompareRequest request;
    request.scope = query;
    if (!o.baseline.empty()) {
        request.baseline = o.baseline;
    }
    request.baseline_runs = o.baseline_runs;
    request.metrics = o.metrics;
    request.alpha = o.alpha > 0 ? o.alpha : config.compare.alpha;
    if (o.threshold >= 0) {
        request.threshold_pct = o.threshold;
    }
    request.threshold_by_kind = config.compare.threshold_pct;
    request.repository = root;
    return request;
}

// The trends and the comparison the options ask for; an empty report without a history. The
// HTML page always has its comparison (its overview is one) and the config's limits (its lines).
report::ReportData load_report(const PerfReportOptions& o, const fs::path& root,
                               const fs::path& db_path,
                               std::optional<report::ExportFormat> format) {
    bool with_values = format.has_value();
    bool html = format == report::ExportFormat::html;
    core::Config config = core::load_config(
        root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    report::ReportData data;
    if (html) {
        data.limits = report::chart_limits(config);
    }
    data.database = db_path.string();
    data.generated_at = core::utc_now_iso8601();
    if (!fs::exists(db_path)) {
        return data;
    }
    report::ReportQuery query = query_from(o);
    query.with_values = with_values;
    history::Store store(db_path, history::Store::Mode::existing);
    // A comparison shown in the terminal needs no trends; everything else shows them.
    if (!o.compare || o.json || with_values || !o.push_url.empty()) {
        data.subjects = report::load_trends(store, query);
    }
    if (o.compare || html) {
        data.comparison = report::compare_history(store, compare_request(o, config, query, root));
    }
    return data;
}

void push_report(const PerfReportOptions& o, const report::ReportData& data) {
    std::string host = sys::collect_host().name;
    std::string exposition = report::report_to_prometheus(data, host);
    std::vector<report::PushGroup> groups = report::group_exposition_by_subject(exposition, host);
    report::push_to_gateway(o.push_url, "farm", groups);
    std::cerr << "pushed the latest results of " << data.subjects.size() << " subjects to "
              << core::redact_secrets(o.push_url) << "\n";
}

void export_report(const PerfReportOptions& o, report::ExportFormat format,
                   const report::ReportData& data) {
    // Written as it is made: an export of runs of a million requests is hundreds of MB.
    core::AtomicFileWriter file(o.export_file);
    report::write_export(format, data, sys::collect_host().name,
                         [&file](std::string_view piece) { file.append(piece); });
    file.commit();
    std::cerr << "wrote " << o.export_file << "\n";
}

void print_report(const PerfReportOptions& o, const report::ReportData& data,
                  const fs::path& db_path) {
    if (o.json) {
        std::cout << report::report_to_json(data).dump(2) << "\n";
    } else if (o.compare) {
        std::cout << (data.comparison ? report::render_comparison(
                                            *data.comparison, stdout_wants_color(), stdout_width())
                                      : report::render_trends({}, false));
    } else if (o.export_file.empty() && o.push_url.empty()) {
        std::cout << report::render_trends(data.subjects, stdout_wants_color(), stdout_width(),
                                           o.metrics);
        if (!data.subjects.empty()) {
            std::cout << report::wrap_text("history: " + db_path.string(), stdout_width(), 2)
                      << "\n";
        }
    }
}

void run_perf_report(const PerfReportOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    fs::path root = core::find_project_root(fs::current_path());
    fs::path db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root);
    if (!o.import_file.empty()) {
        import_runs(o, db_path);
        return;
    }
    if (o.prune) {
        prune_runs(o, db_path);
        return;
    }
    std::optional<report::ExportFormat> format = export_format_of(o);
    report::ReportData data = load_report(o, root, db_path, format);
    if (!o.push_url.empty()) {
        push_report(o, data);
    }
    if (format) {
        export_report(o, *format, data);
    }
    print_report(o, data, db_path);
    // Only --compare judges: the comparison an HTML page shows is information.
    if (o.compare && data.comparison && data.comparison->any_slower() && o.fail_on == "slower") {
        invocation.exit_code = int(ExitCode::check_failed);
    }
}

} // namespace

void register_perf_report(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfReportOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "report", "Trends from the history; --compare before a commit; exports.");
    cmd->add_option("--kind", options->kind, "only runs of this kind (build, install, size, ...)");
    cmd->add_option("--subject", options->subject,
                    "only subjects matching this glob (* and ?), e.g. 'build:*'; with --import, "
                    "the subject to import as");
    cmd->add_option("--since", options->since, "only runs of the last AGE (30d, 12h, 2w)");
    cmd->add_option("--branch", options->branch, "only runs recorded on this git branch");
    cmd->add_option("--last", options->last, "runs per subject in the window")
        ->check(whole_number_check(1, 1'000'000))
        ->capture_default_str();
    CLI::Option* compare = cmd->add_flag(
        "--compare", options->compare,
        "each subject's latest run against its baseline; exit 1 when something got slower");
    cmd->add_option("--baseline", options->baseline,
                    "COMMIT, BRANCH or RUN_ID (#12) to compare with (default: the merge-base of "
                    "HEAD with main, else the previous runs)")
        ->needs(compare);
    cmd->add_option("--baseline-runs", options->baseline_runs,
                    "previous runs (or runs of a branch) pooled as the baseline")
        ->check(whole_number_check(1, 100'000))
        ->needs(compare)
        ->capture_default_str();
    cmd->add_option("--alpha", options->alpha, "significance level (default 0.05)")
        ->check(number_check(1e-9, 0.5))
        ->needs(compare);
    cmd->add_option("--threshold", options->threshold,
                    "noise floor in % for every kind (default 20 for builds and installs, 15 "
                    "for runtime metrics, or compare.threshold_pct in farm.config.json)")
        ->check(number_check(0, 1000))
        ->needs(compare);
    cmd->add_option("--metric", options->metrics,
                    "metric to show and compare (repeatable, or `all`; default: each subject's "
                    "primary)");
    cmd->add_option("--fail-on", options->fail_on, "exit 1 on `slower` (default) or `never`")
        ->check(one_of_check({"slower", "never"}))
        ->needs(compare);
    cmd->add_option("--export", options->export_file,
                    "write the report to FILE: .json, .csv, .md, .html or .prom");
    cmd->add_option("--push", options->push_url,
                    "send the latest results to a Prometheus Pushgateway at URL");
    CLI::Option* import = cmd->add_option("--import", options->import_file,
                                          "add hyperfine --export-json results to the history");
    CLI::Option* prune = cmd->add_flag("--prune", options->prune,
                                       "remove old runs (with --older-than and/or --keep-last), "
                                       "of the subjects --kind and --subject select");
    cmd->add_option("--older-than", options->older_than, "with --prune: runs older than AGE")
        ->needs(prune);
    cmd->add_option("--keep-last", options->keep_last, "with --prune: keep N runs per subject")
        ->check(whole_number_check(1, 1'000'000))
        ->needs(prune);
    import->excludes(prune)->excludes(compare);
    prune->excludes(compare);
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.report/1)");
    cmd->callback([options, &invocation] { run_perf_report(*options, invocation); });
}

} // namespace farm::commands
