#include "farm/report/project_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/run_view.hpp"
#include "farm/report/runner_view.hpp"
#include "farm/report/table.hpp"

namespace farm::report {

namespace {

using nlohmann::json;

const history::Run* find_run(const ProjectReport& report, const std::string& subject) {
    for (const history::Run& r : report.runs) {
        if (r.subject == subject) {
            return &r;
        }
    }
    return nullptr;
}

std::optional<double> median_metric(const history::Run& run, const std::string& name) {
    for (const history::MetricSeries& s : history::series_of(run.iterations)) {
        if (s.name == name) {
            return s.summary.median;
        }
    }
    return std::nullopt;
}

// Hit rate over all timed runs together; nullopt when nothing was fetched at all.
std::optional<double> overall_hit_rate(const pnpm::InstallOutcome& install) {
    std::size_t reused = 0, downloaded = 0;
    for (const pnpm::InstallStats& s : install.stats) {
        reused += s.reused;
        downloaded += s.downloaded;
    }
    if (reused + downloaded == 0) {
        return std::nullopt;
    }
    return double(reused) / double(reused + downloaded);
}

json sizes_json(const measure::OutputSize& o) {
    return {{"files", o.files},
            {"bytes", o.bytes},
            {"gzip_bytes", o.gzip_bytes},
            {"brotli_bytes", o.brotli_bytes}};
}

json output_json(const pnpm::PackageOutput& o) {
    json j = sizes_json(o);
    j["source"] = o.source.empty() ? json(nullptr) : json(o.source);
    j["framework"] = o.framework.empty() ? json(nullptr) : json(o.framework);
    j["folders"] = o.folders;
    j["source_maps"] = {{"files", o.source_map_files}, {"bytes", o.source_map_bytes}};
    json routes = json::array();
    for (const pnpm::RouteSize& r : o.routes) {
        routes.push_back({{"route", r.route},
                          {"router", r.router},
                          {"first_load_js", sizes_json(r.first_load_js)}});
    }
    j["routes"] = std::move(routes);
    j["hint"] = o.hint.empty() ? json(nullptr) : json(o.hint);
    return j;
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

json install_json(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::InstallOutcome& install,
                  const history::Run& run) {
    json j;
    j["scenario"] = pnpm::to_string(plan.install);
    j["run_id"] = run.id > 0 ? json(run.id) : json(nullptr);
    j["command"] = run.command;
    j["status"] = history::to_string(run.status);
    j["needs_registry"] = plan.install == pnpm::InstallScenario::cold;
    j["primed"] = install.primed;
    j["resolved_each_run"] = install.resolves_each_run;
    j["after"] = install.after_note.empty() ? json(nullptr) : json(install.after_note);
    for (const char* key : {"resolved", "downloaded", "reused", "added", "bytes_downloaded"}) {
        std::optional<double> m = median_metric(run, key);
        j[key] = m ? json(std::int64_t(*m)) : json(nullptr);
    }
    std::optional<double> rate = overall_hit_rate(install);
    j["store_hit_rate"] = rate ? json(*rate) : json(nullptr);
    j["nothing_to_fetch"] = !rate.has_value() && !install.stats.empty();
    std::string method;
    for (const pnpm::InstallStats& s : install.stats) {
        method = s.import_method.empty() ? method : s.import_method;
    }
    j["import_method"] = method.empty() ? json(nullptr) : json(method);
    json stages = json::object();
    for (const char* key : {"resolution_s", "importing_s"}) {
        if (std::optional<double> m = median_metric(run, key)) {
            stages[key] = *m;
        }
    }
    j["stages"] = stages;
    json warnings = json::array();
    for (const pnpm::InstallWarning& w : pnpm::distinct_warnings(install.stats)) {
        warnings.push_back({{"kind", w.kind}, {"text", w.text}});
    }
    j["warnings"] = std::move(warnings);
    json scripts = json::array(); // of the last run: the same scripts run every time
    for (const pnpm::LifecycleScript& l : install.stats.empty()
                                              ? std::vector<pnpm::LifecycleScript>{}
                                              : install.stats.back().lifecycle_scripts) {
        scripts.push_back({{"package", l.package},
                           {"stage", l.stage},
                           {"duration_s", l.duration_s},
                           {"exit_code", l.exit_code ? json(*l.exit_code) : json(nullptr)}});
    }
    j["lifecycle_scripts"] = std::move(scripts);
    j["runs"] = iterations_to_json(run);
    j["summary"] = summary_to_json(history::series_of(run.iterations));
    return j;
}

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

} // namespace

json package_output_json(const pnpm::PackageOutput& output) {
    return output_json(output);
}

json project_to_json(const pnpm::ProjectBenchmarkPlan& plan,
                     const pnpm::ProjectBenchmarkResult& result, const ProjectReport& report,
                     const std::vector<analysis::BudgetResult>& budgets,
                     const std::vector<analysis::Advice>& advice) {
    json j;
    j["schema"] = "farm.project/1";
    j["root"] = plan.project.root.string();
    j["status"] = result.outcome == measure::Outcome::completed ? "ok"
                  : result.outcome == measure::Outcome::failed  ? "failed"
                                                                : "interrupted";
    if (!report.runs.empty()) {
        j["started_at"] = report.runs.front().started_at;
        add_context_json(j, report.runs.front().context);
    }
    j["install"] = nullptr;
    if (result.install) {
        const history::Run* run =
            find_run(report, std::string("install:") + pnpm::to_string(plan.install));
        if (run) {
            j["install"] = install_json(plan, *result.install, *run);
        }
    }
    json packages = json::array();
    for (const pnpm::PackageBuild& build : result.builds) {
        const history::Run* run = find_run(report, "build:" + build.package->name);
        json p;
        p["name"] = build.package->name;
        p["dir"] = build.package->dir.string();
        p["run_id"] = run && run->id > 0 ? json(run->id) : json(nullptr);
        p["command"] = run ? run->command : "";
        p["status"] = pnpm::to_string(build.status);
        p["blocked_by"] = build.blocked_by.empty() ? json(nullptr) : json(build.blocked_by);
        // A failed build's times are no summary of the build: its runs say how it ended.
        p["build"] = run && build.status == pnpm::PackageStatus::ok
                         ? summary_to_json(history::series_of(run->iterations))
                         : json(nullptr);
        p["runs"] = run ? iterations_to_json(*run) : json::array();
        p["output"] = build.output ? output_json(*build.output) : json(nullptr);
        packages.push_back(std::move(p));
    }
    j["packages"] = std::move(packages);
    j["build"] = build_json(plan, result, report);
    const history::Run* total = find_run(report, "build:total");
    j["total"] = total ? summary_to_json(history::series_of(total->iterations)) : json(nullptr);
    json budget_list = json::array();
    for (const analysis::BudgetResult& b : budgets) {
        budget_list.push_back({{"path", b.budget.path},
                               {"limit", b.budget.limit_text},
                               {"limit_bytes", b.budget.limit_bytes},
                               {"compression", core::to_string(b.budget.compression)},
                               {"files", b.size.files},
                               {"measured_bytes", b.measured_bytes},
                               {"passed", b.passed}});
    }
    j["budgets"] = std::move(budget_list);
    json advice_list = json::array();
    for (const analysis::Advice& a : advice) {
        advice_list.push_back({{"subject", a.subject},
                               {"rule", a.rule},
                               {"finding", a.finding},
                               {"suggestions", a.suggestions}});
    }
    j["advice"] = std::move(advice_list);
    j["failure"] = result.failure.empty() ? json(nullptr) : json(result.failure);
    return j;
}

std::string render_project(const pnpm::ProjectBenchmarkPlan& plan,
                           const pnpm::ProjectBenchmarkResult& result, const ProjectReport& report,
                           const std::vector<analysis::BudgetResult>& budgets,
                           const std::vector<analysis::Advice>& advice, bool color,
                           std::size_t width) {
    std::string out;
    if (result.install) {
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
                       format_value(median("downloaded").value_or(0), "count") +
                       " downloaded per run)";
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
                stages += (stages.empty() ? "" : ", ") + std::string("importing ") +
                          format_value(*i, "s");
            }
            const pnpm::InstallStats& last = result.install->stats.back();
            if (!last.import_method.empty()) {
                stages += (stages.empty() ? "" : ", ") + std::string("import method ") +
                          last.import_method;
            }
            if (!stages.empty()) {
                out += "  " + stages + " (pnpm's own event times)\n";
            }
        }
        if (std::optional<double> scripts =
                run ? median_metric(*run, "lifecycle_s") : std::nullopt) {
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
        if (!result.install->after_note.empty()) {
            out += "  " + result.install->after_note + "\n";
        }
        out += "\n";
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
