#include "farm/report/trace_build.hpp"

#include <algorithm>

namespace farm::report {

namespace {

using nlohmann::json;

constexpr int build_pid = 1;
// Tracks of a pnpm project, in the order they are shown; lanes of parallel spans follow theirs.
constexpr int install_tid = 1;
constexpr int resolution_tid = 2;
constexpr int link_tid = 3;
constexpr int package_tid = 4;
constexpr int runner_tid = 5;
constexpr int script_lane_tid = 100; // dependencies' lifecycle scripts: 100, 101, ...
constexpr int task_lane_tid = 200;   // turbo or Nx tasks: 200, 201, ...

double run_start_us(const TraceEvents& trace, const exec::ProcessResult& process) {
    return trace.us(process.started);
}

// The tree's RSS at each sample, and its CPU in cores over each interval between samples, set
// at the interval's start (a counter holds its value until the next one); from the last sample
// to the end of the run, the CPU wait4 counted. Both 0 once the run has ended.
void add_tree_counters(TraceEvents& trace, const exec::ProcessResult& process) {
    if (process.tree_series.empty()) {
        return;
    }
    double start = run_start_us(trace, process);
    exec::TreeSample previous; // the run's start: no CPU used yet
    for (const exec::TreeSample& sample : process.tree_series) {
        trace.counter(build_pid, "tree RSS", start + sample.at_s * us_per_s,
                      {{"MiB", double(sample.rss_bytes) / (1 << 20)}});
        if (sample.at_s > previous.at_s) {
            double cores = (sample.cpu_s - previous.cpu_s) / (sample.at_s - previous.at_s);
            trace.counter(build_pid, "tree CPU", start + previous.at_s * us_per_s,
                          {{"cores", std::max(0.0, cores)}});
            previous = sample;
        }
    }
    if (process.wall_s > previous.at_s && process.tree_cpu_s >= previous.cpu_s) {
        trace.counter(
            build_pid, "tree CPU", start + previous.at_s * us_per_s,
            {{"cores", (process.tree_cpu_s - previous.cpu_s) / (process.wall_s - previous.at_s)}});
    }
    double end = start + process.wall_s * us_per_s;
    trace.counter(build_pid, "tree RSS", end, {{"MiB", 0}});
    trace.counter(build_pid, "tree CPU", end, {{"cores", 0}});
}

json run_args(const measure::Iteration& iteration) {
    const exec::ProcessResult& p = iteration.process;
    json args = {{"run", iteration.index + 1},
                 {"wall_s", p.wall_s},
                 {"tree_cpu_s", p.tree_cpu_s},
                 {"tree_peak_rss_bytes",
                  p.tree_peak_rss_bytes ? json(*p.tree_peak_rss_bytes) : json(nullptr)},
                 {"exit_code", p.exit_code}};
    if (!p.succeeded()) {
        args["failure"] = p.describe_failure();
    }
    return args;
}

// Each timed run of `run` as a span on track `tid`, with the tree's counters.
void add_runs(TraceEvents& trace, int tid, const std::string& label, const std::string& category,
              const measure::RunResult& run) {
    for (const measure::Iteration& iteration : run.iterations) {
        const exec::ProcessResult& p = iteration.process;
        trace.complete(build_pid, tid, label + " #" + std::to_string(iteration.index + 1), category,
                       run_start_us(trace, p), p.wall_s * us_per_s, run_args(iteration));
        add_tree_counters(trace, p);
    }
}

// A span of pnpm's log (ms since the epoch) inside the run it belongs to.
struct ClampedSpan {
    double ts = 0;
    double dur = 0;
};
ClampedSpan inside_run(const TraceEvents& trace, const exec::ProcessResult& run, double started_ms,
                       double duration_s) {
    double run_start = run_start_us(trace, run);
    double run_end = run_start + run.wall_s * us_per_s;
    double ts = std::clamp(trace.us_from_epoch_ms(started_ms), run_start, run_end);
    double end = std::clamp(ts + duration_s * us_per_s, ts, run_end);
    return {ts, end - ts};
}

void add_install_stages(TraceEvents& trace, const pnpm::InstallOutcome& install) {
    std::vector<LaneSpan> scripts;
    std::vector<std::pair<const pnpm::LifecycleScript*, ClampedSpan>> placed;
    bool resolved = false;
    bool linked = false;
    for (std::size_t i = 0; i < install.run.iterations.size() && i < install.stats.size(); ++i) {
        const exec::ProcessResult& run = install.run.iterations[i].process;
        const pnpm::InstallStats& stats = install.stats[i];
        json args = {{"run", install.run.iterations[i].index + 1}};
        if (stats.resolution_started_ms && stats.resolution_s) {
            ClampedSpan s =
                inside_run(trace, run, double(*stats.resolution_started_ms), *stats.resolution_s);
            json a = args;
            a["resolved"] = stats.resolved;
            trace.complete(build_pid, resolution_tid, "resolution", "pnpm", s.ts, s.dur, a);
            resolved = true;
        }
        if (stats.importing_started_ms && stats.importing_s) {
            ClampedSpan s =
                inside_run(trace, run, double(*stats.importing_started_ms), *stats.importing_s);
            json a = args;
            a["added"] = stats.added;
            a["import_method"] = stats.import_method;
            trace.complete(build_pid, link_tid, "link (importing)", "pnpm", s.ts, s.dur, a);
            linked = true;
        }
        for (const pnpm::LifecycleScript& script : stats.lifecycle_scripts) {
            ClampedSpan s = inside_run(trace, run, double(script.started_ms), script.duration_s);
            placed.emplace_back(&script, s);
            scripts.push_back({s.ts, s.ts + s.dur});
        }
    }
    // Tracks are named only where pnpm's log had the stage (no resolution with a lockfile).
    if (resolved) {
        trace.thread_name(build_pid, resolution_tid, "pnpm resolution", resolution_tid);
    }
    if (linked) {
        trace.thread_name(build_pid, link_tid, "pnpm link", link_tid);
    }
    std::vector<std::size_t> lanes = assign_lanes(scripts);
    std::size_t lane_count = 0;
    for (std::size_t i = 0; i < placed.size(); ++i) {
        const pnpm::LifecycleScript& script = *placed[i].first;
        json args = {{"package", script.package}, {"stage", script.stage}};
        if (script.exit_code) {
            args["exit_code"] = *script.exit_code;
        }
        trace.complete(build_pid, script_lane_tid + int(lanes[i]),
                       script.package + " " + script.stage, "pnpm", placed[i].second.ts,
                       placed[i].second.dur, args);
        lane_count = std::max(lane_count, lanes[i] + 1);
    }
    for (std::size_t lane = 0; lane < lane_count; ++lane) {
        trace.thread_name(build_pid, script_lane_tid + int(lane),
                          "dependency scripts " + std::to_string(lane + 1),
                          script_lane_tid + int(lane));
    }
}

// The runner's tasks of each run, placed from the run's own start (the runner's clock may not
// be the wall clock: Nx's profile starts at its own zero).
void add_runner_tasks(TraceEvents& trace, const pnpm::RunnerBuild& build) {
    std::vector<LaneSpan> spans;
    std::vector<const pnpm::TaskTiming*> placed; // with spans[i]
    for (std::size_t i = 0; i < build.run.iterations.size() && i < build.summaries.size(); ++i) {
        if (!build.summaries[i] || build.summaries[i]->tasks.empty()) {
            continue;
        }
        const pnpm::RunSummary& summary = *build.summaries[i];
        double zero_ms = summary.start_ms;
        for (const pnpm::TaskTiming& task : summary.tasks) {
            zero_ms = zero_ms > 0 ? std::min(zero_ms, task.start_ms) : task.start_ms;
        }
        double run_start = run_start_us(trace, build.run.iterations[i].process);
        // Both ends from the runner's milliseconds by one expression: a task that starts in the
        // millisecond another ended starts where that one ends, after rounding too.
        auto us_at = [run_start, zero_ms](double ms) {
            return run_start + std::max(0.0, ms - zero_ms) * 1000;
        };
        for (const pnpm::TaskTiming& task : summary.tasks) {
            placed.push_back(&task);
            double ts = us_at(task.start_ms);
            spans.push_back({ts, std::max(ts, us_at(task.end_ms))});
        }
    }
    std::vector<std::size_t> lanes = assign_lanes(spans);
    std::size_t lane_count = 0;
    for (std::size_t i = 0; i < placed.size(); ++i) {
        const pnpm::TaskTiming& task = *placed[i];
        json args = {
            {"package", task.package}, {"task", task.task}, {"cache", pnpm::to_string(task.cache)}};
        if (task.exit_code) {
            args["exit_code"] = *task.exit_code;
        }
        if (!task.error.empty()) {
            args["error"] = task.error;
        }
        trace.span(build_pid, task_lane_tid + int(lanes[i]), task.id, "task", spans[i].start,
                   spans[i].end, args);
        lane_count = std::max(lane_count, lanes[i] + 1);
    }
    for (std::size_t lane = 0; lane < lane_count; ++lane) {
        trace.thread_name(build_pid, task_lane_tid + int(lane), "tasks " + std::to_string(lane + 1),
                          task_lane_tid + int(lane));
    }
}

} // namespace

void add_command_runs(TraceEvents& trace, const std::vector<std::string>& names,
                      const std::vector<measure::RunResult>& results) {
    trace.process_name(build_pid, "farm perf:build");
    for (std::size_t c = 0; c < results.size() && c < names.size(); ++c) {
        int tid = int(c) + 1;
        trace.thread_name(build_pid, tid, names[c], tid);
        add_runs(trace, tid, names[c], "run", results[c]);
    }
}

void add_project_runs(TraceEvents& trace, const pnpm::ProjectBenchmarkResult& result) {
    trace.process_name(build_pid, "farm perf:build");
    if (result.install) {
        trace.thread_name(build_pid, install_tid, "pnpm install", install_tid);
        add_runs(trace, install_tid, "install", "run", result.install->run);
        add_install_stages(trace, *result.install);
    }
    if (!result.builds.empty()) {
        trace.thread_name(build_pid, package_tid, "package builds", package_tid);
    }
    for (const pnpm::PackageBuild& build : result.builds) {
        add_runs(trace, package_tid, "build " + build.package->name, "package", build.run);
    }
    if (result.runner_build) {
        trace.thread_name(build_pid, runner_tid, "task runner", runner_tid);
        add_runs(trace, runner_tid, "build", "run", result.runner_build->run);
        add_runner_tasks(trace, *result.runner_build);
    }
}

} // namespace farm::report
