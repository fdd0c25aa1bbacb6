#include "farm/report/runner_record.hpp"

#include "farm/measure/stats.hpp"

#include <map>
#include <set>

namespace farm::report {

namespace {

RunnerTask& task_row(RunnerOverview& overview, std::map<std::string, std::size_t>& index,
                     const pnpm::TaskTiming& t) {
    auto [it, added] = index.emplace(t.id, overview.tasks.size());
    if (added) {
        RunnerTask row;
        row.id = t.id;
        row.package = t.package;
        row.task = t.task;
        overview.tasks.push_back(std::move(row));
    }
    return overview.tasks[it->second];
}

// "turbo run build (task @acme/web#build)": the runner's name first, as the advice reads it.
std::string task_command(const std::string& runner_command, const std::string& id) {
    return runner_command + " (task " + id + ")";
}

history::Run build_run(const history::Run& base, const std::string& subject,
                       const std::string& command, history::RunStatus status) {
    history::Run run = base;
    run.kind = "build";
    run.subject = subject;
    run.command = command;
    run.status = status;
    return run;
}

// size:<package> runs and the findings' output bytes, made by project_runs itself (the one place
// that turns a package's output into records) from the outputs the runner's build left.
void add_size_runs(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::RunnerBuild& build,
                   const history::Run& base, ProjectReport& report) {
    pnpm::ProjectBenchmarkResult outputs_only;
    for (const auto& [package, output] : build.outputs) {
        pnpm::PackageBuild one;
        one.package = package;
        one.output = output;
        outputs_only.builds.push_back(std::move(one));
    }
    ProjectReport sizes = project_runs(plan, outputs_only, base);
    for (history::Run& run : sizes.runs) {
        if (run.kind == "size") {
            report.runs.push_back(std::move(run));
        }
    }
    for (const analysis::PackageFindings& f : sizes.packages) {
        for (analysis::PackageFindings& mine : report.packages) {
            if (mine.name == f.name) {
                mine.output_bytes = f.output_bytes;
            }
        }
    }
}

// The words a failed or interrupted runner build is stored with: the runner's command, then
// what the run loop said (its last lines and the failed tasks).
std::string runner_failure(const std::string& command, const measure::RunResult& run) {
    if (run.outcome == measure::Outcome::interrupted) {
        return command + " interrupted after " + std::to_string(run.iterations.size()) +
               " completed runs";
    }
    return command + " failed: " + run.failure;
}

} // namespace

std::string build_subject(const std::string& name, pnpm::BuildState state) {
    std::string subject = "build:" + name;
    if (state != pnpm::BuildState::clean) {
        subject += std::string(":") + pnpm::to_string(state);
    }
    return subject;
}

RunnerOverview overview_of(const pnpm::RunnerBuild& build) {
    RunnerOverview overview;
    std::map<std::string, std::size_t> index;
    std::vector<double> parallelism;
    for (const std::optional<pnpm::RunSummary>& summary : build.summaries) {
        if (!summary) {
            continue;
        }
        ++overview.runs_with_record;
        for (const pnpm::TaskTiming& t : summary->tasks) {
            RunnerTask& row = task_row(overview, index, t);
            row.durations_s.push_back(t.duration_s());
            row.cache = t.cache;
            overview.hits += t.cache == pnpm::TaskCache::hit;
            overview.misses += t.cache == pnpm::TaskCache::miss;
            if (t.failed()) {
                row.failed = true;
                row.error = t.error.empty() ? "exit code " + std::to_string(t.exit_code.value_or(1))
                                            : t.error;
            }
        }
        if (std::optional<double> p = pnpm::parallelism(*summary)) {
            parallelism.push_back(*p);
        }
        overview.critical_path = pnpm::critical_path(*summary);
    }
    for (RunnerTask& row : overview.tasks) {
        if (!row.durations_s.empty()) {
            row.median_s = measure::median(row.durations_s);
        }
    }
    if (!parallelism.empty()) {
        overview.parallelism = measure::median(parallelism);
    }
    return overview;
}

const char* RunnerTask::status() const {
    if (failed) {
        return "failed";
    }
    if (!ran) {
        return blocked_by.empty() ? "not_run" : "skipped";
    }
    return "ok";
}

void add_unrun_tasks(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::RunnerBuild& build,
                     RunnerOverview& overview) {
    if (build.run.outcome == measure::Outcome::completed || build.summaries.empty() ||
        !build.summaries.back()) {
        return;
    }
    std::string script = plan.script.value_or("build");
    std::set<std::string> listed, failed;
    for (const pnpm::TaskTiming& t : build.summaries.back()->tasks) {
        listed.insert(t.package);
        if (t.failed()) {
            failed.insert(t.package);
        }
    }
    // Turbo names a task package#task, Nx project:task.
    std::string separator = plan.runner == pnpm::BuildRunner::nx ? ":" : "#";
    for (const pnpm::Package* package : pnpm::build_order(plan.project, script)) {
        if (package == &plan.project.root_package || listed.count(package->name)) {
            continue;
        }
        RunnerTask row;
        row.id = package->name + separator + script;
        row.package = package->name;
        row.task = script;
        row.ran = false;
        row.blocked_by = pnpm::failed_dependency(plan.project, *package, failed);
        overview.tasks.push_back(std::move(row));
    }
}

void add_runner_runs(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::RunnerBuild& build,
                     const history::Run& base, ProjectReport& report) {
    std::string command = display_command(build.argv);
    std::string script = plan.script.value_or("build");
    history::RunStatus status = history::status_for(build.run.outcome);

    history::Run total = build_run(base, build_subject("total", plan.build_state), command, status);
    total.duration_s = build.run.total_wall_s;
    if (status != history::RunStatus::ok) {
        total.failure = runner_failure(command, build.run);
    }
    for (const measure::Iteration& it : build.run.iterations) {
        total.iterations.push_back(measure::to_iteration_record(it));
    }

    // Per run with a record: the serial sum, and each task's duration under its package.
    history::Run serial = build_run(base, build_subject("serial_sum", plan.build_state),
                                    "the sum of " + command + "'s task durations", status);
    std::map<std::string, history::Run> tasks;
    std::vector<std::string> task_order;
    for (std::size_t k = 0; k < build.summaries.size() && k < build.run.iterations.size(); ++k) {
        if (!build.summaries[k]) {
            continue;
        }
        const pnpm::RunSummary& summary = *build.summaries[k];
        int index = int(build.run.iterations[k].index);
        measure::IterationRecord sum;
        sum.index = index;
        sum.exit_code = summary.exit_code.value_or(0);
        sum.metrics = {{"wall_s", "s", pnpm::serial_sum_s(summary)}};
        serial.iterations.push_back(std::move(sum));
        for (const pnpm::TaskTiming& t : summary.tasks) {
            std::string name = t.task == script ? t.package : t.id;
            auto [it, added] = tasks.emplace(t.id, history::Run{});
            if (added) {
                it->second = build_run(base, build_subject(name, plan.build_state),
                                       task_command(command, t.id), history::RunStatus::ok);
                task_order.push_back(t.id);
            }
            measure::IterationRecord one;
            one.index = index;
            one.exit_code = t.exit_code.value_or(0);
            one.metrics = {{"wall_s", "s", t.duration_s()}};
            if (t.failed()) {
                it->second.status = history::RunStatus::failed;
                it->second.failure =
                    "task " + t.id + " failed in run " + std::to_string(k + 1) + ": " +
                    (t.error.empty() ? "exit code " + std::to_string(t.exit_code.value_or(1))
                                     : t.error);
            }
            it->second.iterations.push_back(std::move(one));
        }
    }

    RunnerOverview overview = overview_of(build);
    for (const RunnerTask& row : overview.tasks) {
        analysis::PackageFindings findings;
        findings.name = row.task == script ? row.package : row.id;
        findings.build_median_s = row.median_s;
        findings.build_runs = row.durations_s.size();
        report.packages.push_back(findings);
    }
    report.runner.runner = pnpm::to_string(plan.runner);
    report.runner.command = command;
    report.runner.runs = total.iterations.size();
    if (status == history::RunStatus::ok && !total.iterations.empty()) {
        std::vector<double> walls;
        for (const measure::IterationRecord& it : total.iterations) {
            walls.push_back(it.metric("wall_s").value_or(0));
        }
        report.runner.wall_median_s = measure::median(walls);
    }

    add_size_runs(plan, build, base, report);
    for (const std::string& id : task_order) {
        report.runs.push_back(std::move(tasks[id]));
    }
    report.runs.push_back(std::move(total));
    if (!serial.iterations.empty()) {
        report.runs.push_back(std::move(serial));
    }
}

void add_serial_sum_of_packages(ProjectReport& report) {
    for (const history::Run& run : report.runs) {
        if (run.subject == "build:total") {
            history::Run serial = run;
            serial.subject = "build:serial_sum";
            report.runs.push_back(std::move(serial));
            return;
        }
    }
}

} // namespace farm::report
