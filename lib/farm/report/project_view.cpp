#include "farm/report/project_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/project_view_parts.hpp"
#include "farm/report/run_view.hpp"
#include "farm/report/runner_view.hpp"
#include "farm/report/table.hpp"

namespace farm::report {

namespace detail {

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

std::vector<std::size_t> not_warm_runs(pnpm::InstallScenario scenario,
                                       const std::vector<pnpm::InstallStats>& stats) {
    using pnpm::InstallScenario;
    std::vector<std::size_t> runs;
    if (scenario == InstallScenario::warm || scenario == InstallScenario::prod ||
        scenario == InstallScenario::offline) {
        for (std::size_t i = 0; i < stats.size(); ++i) {
            if (stats[i].downloaded > 0) {
                runs.push_back(i + 1);
            }
        }
    }
    return runs;
}

} // namespace detail

namespace {

using detail::find_run;
using detail::median_metric;
using detail::overall_hit_rate;
using nlohmann::json;

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

json install_json(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::InstallOutcome& install,
                  const history::Run& run) {
    json j;
    j["scenario"] = pnpm::to_string(plan.install);
    j["run_id"] = run.id > 0 ? json(run.id) : json(nullptr);
    j["command"] = run.command;
    j["status"] = history::to_string(run.status);
    j["needs_registry"] = plan.install == pnpm::InstallScenario::cold;
    j["primed"] = install.primed;
    j["not_warm_runs"] = detail::not_warm_runs(plan.install, install.stats);
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

} // namespace farm::report
