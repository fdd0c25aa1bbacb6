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

json output_json(const measure::OutputSize& o) {
    return {{"files", o.files},
            {"bytes", o.bytes},
            {"gzip_bytes", o.gzip_bytes},
            {"brotli_bytes", o.brotli_bytes}};
}

json install_json(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::InstallOutcome& install,
                  const history::Run& run) {
    json j;
    j["scenario"] = pnpm::to_string(plan.install);
    j["run_id"] = run.id > 0 ? json(run.id) : json(nullptr);
    j["command"] = run.command;
    j["status"] = history::to_string(run.status);
    j["needs_registry"] = plan.install == pnpm::InstallScenario::cold;
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
    j["runs"] = iterations_to_json(run);
    j["summary"] = summary_to_json(history::series_of(run.iterations));
    return j;
}

} // namespace

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
        p["status"] = run ? history::to_string(run->status) : "failed";
        p["build"] = run ? summary_to_json(history::series_of(run->iterations)) : json::object();
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
                           const std::vector<analysis::Advice>& advice, bool color) {
    std::string out;
    if (result.install) {
        const history::Run* run =
            find_run(report, std::string("install:") + pnpm::to_string(plan.install));
        out += std::string("install (") + pnpm::to_string(plan.install) +
               "): " + (run ? run->command : "") + "\n";
        if (run && !run->iterations.empty()) {
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
        if (plan.install == pnpm::InstallScenario::cold) {
            out += "  cold: every run starts from an empty store, so it downloads everything "
                   "from the registry\n";
        }
        out += "\n";
    }
    if (!result.builds.empty()) {
        Table table({"package", "build (median)", "min … max", "runs", "output", "gzip", "brotli"});
        for (const pnpm::PackageBuild& build : result.builds) {
            const history::Run* run = find_run(report, "build:" + build.package->name);
            std::vector<history::MetricSeries> series =
                run ? history::series_of(run->iterations) : std::vector<history::MetricSeries>{};
            const history::MetricSeries* wall = series.empty() ? nullptr : &series.front();
            const measure::OutputSize* o = build.output ? &*build.output : nullptr;
            bool has_output = o && o->files > 0;
            table.add_row({build.package->name,
                           wall ? format_value(wall->summary.median, "s") : "-",
                           wall ? format_value(wall->summary.min, "s") + " … " +
                                      format_value(wall->summary.max, "s")
                                : "-",
                           std::to_string(run ? run->iterations.size() : 0),
                           has_output ? format_value(double(o->bytes), "bytes") + " in " +
                                            std::to_string(o->files) + " files"
                                      : "-",
                           has_output ? format_value(double(o->gzip_bytes), "bytes") : "-",
                           has_output ? format_value(double(o->brotli_bytes), "bytes") : "-"});
        }
        if (const history::Run* total = find_run(report, "build:total")) {
            std::vector<history::MetricSeries> series = history::series_of(total->iterations);
            const measure::Summary& s = series.front().summary;
            table.add_row({"total", format_value(s.median, "s"),
                           format_value(s.min, "s") + " … " + format_value(s.max, "s"),
                           std::to_string(total->iterations.size()), "", "", ""});
        }
        out += std::string("build (`") + plan.script.value_or("build") +
               "` of each package, in dependency order)\n";
        out += table.render(color) + "\n";
    }
    out += render_runner_build(plan, result, report, color);
    for (const analysis::BudgetResult& b : budgets) {
        out += std::string(b.passed ? "  budget ok    " : "  BUDGET OVER  ") + b.budget.path +
               ": " +
               (b.size.files == 0 ? std::string("matches no file")
                                  : format_value(double(b.measured_bytes), "bytes") + " " +
                                        core::to_string(b.budget.compression) + " in " +
                                        std::to_string(b.size.files) + " files") +
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
