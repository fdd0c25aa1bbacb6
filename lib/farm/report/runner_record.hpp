// What farm records and shows of a build through a task runner (pnpm::run_runner_build):
//   build:total       the runner's whole build, timed by farm: its wall time is what a
//                     developer waits for (wall_s, user_s, sys_s, memory of the process tree)
//   build:serial_sum  per run, the sum of the tasks' durations (what one-at-a-time would cost)
//   build:<package>   per run, the duration of the package's task, from the runner's record
//                     (a task other than the script: build:<package>#<task>)
// With --build-state incremental or cached the subjects end in ":incremental" or ":cached"
// ("build:total:cached"), so that a trend never compares a cache replay with a clean build.
// Only runs whose record could be read give per-task values; the wall time needs none.
#pragma once

#include "farm/history/run.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/report/project_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

// One task over the timed runs.
struct RunnerTask {
    std::string id;                  // "@acme/web#build"
    std::string package;             // "@acme/web"
    std::string task;                // "build"
    std::vector<double> durations_s; // one per run that has it
    std::optional<double> median_s;
    pnpm::TaskCache cache = pnpm::TaskCache::unknown; // in the newest run
    bool failed = false;                              // in any run
    std::string error;                                // the newest failure's words
    // False for a package the runner's record of the newest run does not list after a failure:
    // it was skipped (blocked_by: the failed workspace dependency) or never started.
    bool ran = true;
    std::string blocked_by;

    // "ok", "failed", "skipped" or "not_run", as packages[].status says it in the pnpm mode.
    const char* status() const;
};

// The tasks, cache counts, critical path and parallelism of a runner build.
struct RunnerOverview {
    std::vector<RunnerTask> tasks; // in the order the runner listed them
    std::size_t hits = 0;          // over every timed run
    std::size_t misses = 0;
    std::vector<std::string> critical_path; // of the newest run with a record
    std::optional<double> parallelism;      // median over the runs with a record
    std::size_t runs_with_record = 0;
};

RunnerOverview overview_of(const pnpm::RunnerBuild& build);

// After a failed build: a row for each package of the build order that has no task in the
// newest run's record (the runner skipped it after a dependency failed, or stopped before it),
// so that every package is listed with its status. Nothing when the build completed or the
// runner left no record.
void add_unrun_tasks(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::RunnerBuild& build,
                     RunnerOverview& overview);

// "build:<name>", with ":incremental" or ":cached" for those states.
std::string build_subject(const std::string& name, pnpm::BuildState state);

// Adds the runs above to report.runs and the findings the advice reads.
void add_runner_runs(const pnpm::ProjectBenchmarkPlan& plan, const pnpm::RunnerBuild& build,
                     const history::Run& base, ProjectReport& report);

// One package at a time (the pnpm mode), the build's wall time is the packages' sum: build:total
// is also recorded as build:serial_sum, so that the sum has one name in both modes.
void add_serial_sum_of_packages(ProjectReport& report);

} // namespace farm::report
