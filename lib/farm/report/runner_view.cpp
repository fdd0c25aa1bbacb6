#include "farm/report/runner_view.hpp"

#include "farm/report/project_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/run_view.hpp"
#include "farm/report/runner_record.hpp"
#include "farm/report/table.hpp"

namespace farm::report {

namespace {

using nlohmann::json;

const history::Run* find_subject(const ProjectReport& report, const std::string& subject) {
    for (const history::Run& r : report.runs) {
        if (r.subject == subject) {
            return &r;
        }
    }
    return nullptr;
}

json summary_of(const history::Run* run) {
    return run ? summary_to_json(history::series_of(run->iterations)) : json(nullptr);
}

json cache_json(pnpm::TaskCache cache) {
    return cache == pnpm::TaskCache::unknown ? json(nullptr) : json(pnpm::to_string(cache));
}

const pnpm::PackageOutput* output_of(const pnpm::RunnerBuild& build, const std::string& package) {
    for (const auto& [p, output] : build.outputs) {
        if (p->name == package && output) {
            return &*output;
        }
    }
    return nullptr;
}

json tasks_json(const pnpm::RunnerBuild& build, const RunnerOverview& overview) {
    json tasks = json::array();
    for (const RunnerTask& t : overview.tasks) {
        const pnpm::PackageOutput* o = output_of(build, t.package);
        tasks.push_back({{"id", t.id},
                         {"package", t.package},
                         {"task", t.task},
                         {"duration_s", t.median_s ? json(*t.median_s) : json(nullptr)},
                         {"durations_s", t.durations_s},
                         {"cache", cache_json(t.cache)},
                         {"status", t.status()},
                         {"blocked_by", t.blocked_by.empty() ? json(nullptr) : json(t.blocked_by)},
                         {"error", t.error.empty() ? json(nullptr) : json(t.error)},
                         {"output", o ? package_output_json(*o) : json(nullptr)}});
    }
    return tasks;
}

// The cache column: the cache status of a task that ran, else what happened to it.
std::string task_state(const RunnerTask& t) {
    if (t.failed) {
        return "FAILED";
    }
    if (!t.ran) {
        return t.blocked_by.empty() ? "not run" : "skipped: " + t.blocked_by + " failed";
    }
    return pnpm::to_string(t.cache);
}

} // namespace

json build_json(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::ProjectBenchmarkResult& result,
                const ProjectReport& report) {
    json j;
    j["runner"] = pnpm::to_string(plan.runner);
    j["state"] = pnpm::to_string(plan.build_state);
    if (!result.runner_build) {
        return j;
    }
    const pnpm::RunnerBuild& build = *result.runner_build;
    RunnerOverview overview = overview_of(build);
    add_unrun_tasks(plan, build, overview);
    const history::Run* total = find_subject(report, build_subject("total", plan.build_state));
    j["command"] = total ? total->command : "";
    // A failed or interrupted build is no measurement: no total (its runs stay under "runs").
    bool completed = total && total->status == history::RunStatus::ok;
    j["total"] = completed ? summary_of(total) : json(nullptr);
    j["serial_sum"] =
        summary_of(find_subject(report, build_subject("serial_sum", plan.build_state)));
    j["parallelism"] = overview.parallelism ? json(*overview.parallelism) : json(nullptr);
    j["critical_path"] = overview.critical_path;
    j["cache"] = {{"hits", overview.hits}, {"misses", overview.misses}};
    j["tasks"] = tasks_json(build, overview);
    j["runs"] = total ? iterations_to_json(*total) : json::array();
    j["record_problems"] = build.summary_problems;
    return j;
}

std::string render_runner_build(const pnpm::ProjectBenchmarkPlan& plan,
                                const pnpm::ProjectBenchmarkResult& result,
                                const ProjectReport& report, bool color, std::size_t width) {
    if (!result.runner_build) {
        return {};
    }
    const pnpm::RunnerBuild& build = *result.runner_build;
    RunnerOverview overview = overview_of(build);
    add_unrun_tasks(plan, build, overview);
    std::string script = plan.script.value_or("build");
    std::string runner = pnpm::to_string(plan.runner);
    std::string state = pnpm::to_string(plan.build_state);
    Table table({"task", "duration (median)", "min … max", "runs", "cache", "output"});
    table.set_priority(2, 2);
    table.set_priority(3, 3);
    table.set_priority(4, 1);
    table.set_priority(5, 4);
    for (const RunnerTask& t : overview.tasks) {
        double min = t.durations_s.empty() ? 0 : t.durations_s.front();
        double max = min;
        for (double d : t.durations_s) {
            min = std::min(min, d);
            max = std::max(max, d);
        }
        const pnpm::PackageOutput* o = output_of(build, t.package);
        table.add_row(
            {t.id, t.median_s ? format_value(*t.median_s, "s") : "-",
             t.durations_s.empty() ? "-" : format_value(min, "s") + " … " + format_value(max, "s"),
             std::to_string(t.durations_s.size()), task_state(t),
             o && o->files > 0
                 ? format_value(double(o->bytes), "bytes") + " in " + count_of(o->files, "file")
                 : "-"});
    }
    std::string out = "build (" + runner + " run " + script + ", build state " + state + ")\n";
    out += table.render(color, width);
    const history::Run* total = find_subject(report, build_subject("total", plan.build_state));
    if (total && total->status == history::RunStatus::ok && !total->iterations.empty()) {
        const measure::Summary s = history::series_of(total->iterations).front().summary;
        out += "  build:total " + format_value(s.median, "s") + " = " + runner + " run " + script +
               ", wall time, median of " + count_of(total->iterations.size(), "run") + " (" +
               format_value(s.min, "s") + " … " + format_value(s.max, "s") + ")\n";
    }
    const history::Run* serial =
        find_subject(report, build_subject("serial_sum", plan.build_state));
    if (serial && !serial->iterations.empty()) {
        const measure::Summary s = history::series_of(serial->iterations).front().summary;
        out += "  build:serial_sum " + format_value(s.median, "s") +
               " = the tasks' durations added up (one at a time)";
        if (overview.parallelism) {
            out += "; parallelism achieved " + format_value(*overview.parallelism, "ratio") + "x";
        }
        out += "\n";
    }
    if (!overview.critical_path.empty()) {
        std::string chain;
        for (const std::string& id : overview.critical_path) {
            chain += (chain.empty() ? "" : " -> ") + id;
        }
        out += "  critical path: " + chain + "\n";
    }
    out += "  cache: " + std::to_string(overview.hits) + " hits, " +
           std::to_string(overview.misses) + " misses over " +
           std::to_string(overview.runs_with_record) +
           (overview.runs_with_record == 1 ? " run (" : " runs (") +
           (plan.build_state == pnpm::BuildState::cached ? "cache kept, filled by one warm-up run"
            : plan.build_state == pnpm::BuildState::clean
                ? "outputs and build caches removed before each run, --force"
                : "nothing removed, --force") +
           ")\n";
    for (const std::string& problem : build.summary_problems) {
        out += "  note: no task times for " + problem + "\n";
    }
    return out + "\n";
}

} // namespace farm::report
