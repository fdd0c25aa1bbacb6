// The terminal summary of a measured pnpm project (project_view.hpp): the install, each
// package's build with its status and output, the runner's tasks, budgets and advice.
#include "farm/report/project_view.hpp"

#include "farm/core/text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/project_view_parts.hpp"
#include "farm/report/run_view.hpp"
#include "farm/report/runner_view.hpp"
#include "farm/report/table.hpp"

namespace farm::report {

using detail::find_run;
using detail::median_metric;
using detail::overall_hit_rate;

namespace {

// "ok", "failed", "skipped: @acme/lib failed", "not run".
std::string package_status_text(const pnpm::PackageBuild& build) {
    switch (build.status) {
    case pnpm::PackageStatus::skipped:
        return "skipped: " + build.blocked_by + " failed";
    case pnpm::PackageStatus::not_run:
        return "not run";
    default:
        return pnpm::to_string(build.status);
    }
}

// Below the table: which folder each package's output is and why, its source maps, each
// Next.js route's First Load JS, and the hint for a package whose output was not found.
std::string output_notes(const pnpm::ProjectBenchmarkResult& result) {
    std::string out;
    for (const pnpm::PackageBuild& build : result.builds) {
        if (!build.output) {
            continue;
        }
        const pnpm::PackageOutput& o = *build.output;
        if (!o.hint.empty()) {
            out += "  " + o.hint + "\n";
            continue;
        }
        out += "  output of " + build.package->name + ": " + o.source;
        if (o.source_map_files > 0) {
            out += " (source maps left out: " + std::to_string(o.source_map_files) +
                   (o.source_map_files == 1 ? " file, " : " files, ") +
                   format_value(double(o.source_map_bytes), "bytes") + ")";
        }
        out += "\n";
        for (const pnpm::RouteSize& r : o.routes) {
            out += "    First Load JS " + r.route + " (" + r.router +
                   " router): " + format_value(double(r.first_load_js.gzip_bytes), "bytes") +
                   " gzip, " + format_value(double(r.first_load_js.brotli_bytes), "bytes") +
                   " brotli\n";
        }
    }
    return out;
}

// A warm scenario's run that downloaded packages was not a warm install: said, with the runs,
// so that its time is not read as one (a store set where farm does not look can cause it).
std::string warm_runs_that_downloaded(pnpm::InstallScenario scenario,
                                      const std::vector<pnpm::InstallStats>& stats) {
    std::vector<std::string> runs;
    for (std::size_t run : detail::not_warm_runs(scenario, stats)) {
        runs.push_back(std::to_string(run) + " (" + std::to_string(stats[run - 1].downloaded) +
                       " downloaded)");
    }
    if (runs.empty()) {
        return "";
    }
    return "  warning: not warm: run" + std::string(runs.size() > 1 ? "s " : " ") +
           core::join(runs, ", ") +
           " fetched packages the store did not hold, so their times include downloads\n";
}

// What the install runs say: time, store hits, pnpm's stages and warnings, and how the scenario
// was prepared.
std::string install_section(const pnpm::ProjectBenchmarkPlan& plan,
                            const pnpm::ProjectBenchmarkResult& result,
                            const ProjectReport& report) {
    std::string out;
    const history::Run* run =
        find_run(report, std::string("install:") + pnpm::to_string(plan.install));
    out += std::string("install (") + pnpm::to_string(plan.install) +
           "): " + (run ? run->command : "") + "\n";
    if (run && run->status != history::RunStatus::ok) {
        out += std::string("  ") + history::to_string(run->status) +
               ": no time or count is shown for it (see below)\n";
    } else if (run && !run->iterations.empty()) {
        std::optional<double> rate = overall_hit_rate(*result.install);
        std::vector<history::MetricSeries> series = history::series_of(run->iterations);
        auto median = [&](const char* name) { return median_metric(*run, name); };
        out += "  " + format_value(median("wall_s").value_or(0), "s") + " (median of " +
               std::to_string(run->iterations.size()) + " runs)";
        if (rate) {
            out += ", store hit rate " + format_value(*rate * 100, "%") + " (" +
                   format_value(median("reused").value_or(0), "count") + " reused, " +
                   format_value(median("downloaded").value_or(0), "count") + " downloaded per run)";
        } else {
            out += ", nothing to fetch";
        }
        if (std::optional<double> added = median("added")) {
            out += ", " + format_value(*added, "count") + " added";
        }
        if (std::optional<double> bytes = median("bytes_downloaded"); bytes && *bytes > 0) {
            out += ", " + format_value(*bytes, "bytes") + " downloaded";
        }
        out += "\n";
        std::string stages;
        if (std::optional<double> r = median("resolution_s")) {
            stages += "resolution " + format_value(*r, "s");
        }
        if (std::optional<double> i = median("importing_s")) {
            stages +=
                (stages.empty() ? "" : ", ") + std::string("importing ") + format_value(*i, "s");
        }
        const pnpm::InstallStats& last = result.install->stats.back();
        if (!last.import_method.empty()) {
            stages +=
                (stages.empty() ? "" : ", ") + std::string("import method ") + last.import_method;
        }
        if (!stages.empty()) {
            out += "  " + stages + " (pnpm's own event times)\n";
        }
    }
    if (std::optional<double> scripts = run ? median_metric(*run, "lifecycle_s") : std::nullopt) {
        out += "  lifecycle scripts " + format_value(*scripts, "s") +
               " (median, from pnpm's lifecycle events)\n";
    }
    for (const pnpm::InstallWarning& w : pnpm::distinct_warnings(result.install->stats)) {
        out += "  warning: " + w.text + "\n";
    }
    if (plan.install == pnpm::InstallScenario::cold) {
        out += "  cold: every run starts from an empty store, so it downloads everything "
               "from the registry\n";
    }
    if (result.install->resolves_each_run) {
        out += "  no pnpm-lock.yaml: each run resolved every dependency from scratch (farm "
               "removed the lockfile pnpm wrote before the next run)\n";
    }
    if (result.install->primed) {
        out += "  one untimed priming install filled the store first\n";
    }
    out += warm_runs_that_downloaded(plan.install, result.install->stats);
    if (!result.install->after_note.empty()) {
        out += "  " + result.install->after_note + "\n";
    }
    out += "\n";
    return out;
}

} // namespace

std::string render_project(const pnpm::ProjectBenchmarkPlan& plan,
                           const pnpm::ProjectBenchmarkResult& result, const ProjectReport& report,
                           const std::vector<analysis::BudgetResult>& budgets,
                           const std::vector<analysis::Advice>& advice, bool color,
                           std::size_t width) {
    std::string out;
    if (result.install) {
        out += install_section(plan, result, report);
    }
    if (!result.builds.empty()) {
        Table table({"package", "status", "build (median)", "min … max", "runs", "output", "gzip",
                     "brotli"});
        // At 80 columns: the package, its status, build time and brotli size (what is shipped).
        const int priorities[] = {0, 0, 0, 3, 4, 2, 5, 1};
        for (std::size_t c = 0; c < std::size(priorities); ++c) {
            table.set_priority(c, priorities[c]);
        }
        for (const pnpm::PackageBuild& build : result.builds) {
            const history::Run* run = find_run(report, "build:" + build.package->name);
            std::vector<history::MetricSeries> series =
                run ? history::series_of(run->iterations) : std::vector<history::MetricSeries>{};
            // A failed build's times are not a measurement of the build: none are shown.
            const history::MetricSeries* wall =
                series.empty() || build.status != pnpm::PackageStatus::ok ? nullptr
                                                                          : &series.front();
            const pnpm::PackageOutput* o = build.output ? &*build.output : nullptr;
            bool has_output = o && o->files > 0;
            table.add_row({build.package->name, package_status_text(build),
                           wall ? format_value(wall->summary.median, "s") : "-",
                           wall ? format_value(wall->summary.min, "s") + " … " +
                                      format_value(wall->summary.max, "s")
                                : "-",
                           std::to_string(run ? run->iterations.size() : 0),
                           has_output ? format_value(double(o->bytes), "bytes") + " in " +
                                            count_of(o->files, "file")
                                      : "-",
                           has_output ? format_value(double(o->gzip_bytes), "bytes") : "-",
                           has_output ? format_value(double(o->brotli_bytes), "bytes") : "-"});
        }
        if (const history::Run* total = find_run(report, "build:total")) {
            std::vector<history::MetricSeries> series = history::series_of(total->iterations);
            const measure::Summary& s = series.front().summary;
            table.add_row({"total", "", format_value(s.median, "s"),
                           format_value(s.min, "s") + " … " + format_value(s.max, "s"),
                           std::to_string(total->iterations.size()), "", "", ""});
        }
        out += std::string("build (`") + plan.script.value_or("build") +
               "` of each package, in dependency order)\n";
        out += table.render(color, width) + "\n";
        if (result.builds.size() > 1 && !find_run(report, "build:total")) {
            out += "  no total: not every package's build completed, and a sum of some would "
                   "read as a faster build\n";
        }
        if (std::string notes = output_notes(result); !notes.empty()) {
            out += wrap_text(notes, width, 4) + "\n";
        }
    }
    out += render_runner_build(plan, result, report, color, width);
    for (const analysis::BudgetResult& b : budgets) {
        out += std::string(b.passed ? "  budget ok    " : "  BUDGET OVER  ") + b.budget.path +
               ": " +
               (b.size.files == 0 ? std::string("matches no file")
                                  : format_value(double(b.measured_bytes), "bytes") + " " +
                                        core::to_string(b.budget.compression) + " in " +
                                        count_of(b.size.files, "file")) +
               " (limit " + b.budget.limit_text + ")\n";
    }
    if (!budgets.empty()) {
        out += "\n";
    }
    for (const analysis::Advice& a : advice) {
        out += "  advice [" + a.subject + "] " + a.finding + "\n";
        for (const std::string& s : a.suggestions) {
            out += "    - " + s + "\n";
        }
    }
    if (!advice.empty()) {
        out += "\n";
    }
    if (result.removed_created_lockfile) {
        out += "  pnpm created pnpm-lock.yaml where there was none; farm removed it again.\n";
    }
    if (!result.failure.empty()) {
        out += "  " + result.failure + "\n";
    }
    return out;
}

} // namespace farm::report
