#include "farm/measure/runner.hpp"

#include "farm/measure/batch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace farm::measure {

std::size_t planned_runs(const RunPlan& plan, double first_run_s) {
    if (plan.runs) {
        return *plan.runs;
    }
    double estimate = first_run_s > 0 ? std::ceil(plan.time_budget_s / first_run_s) : 1e12;
    std::size_t count = estimate > 1e12 ? std::size_t(1e12) : std::size_t(estimate);
    return std::clamp(count, plan.min_runs, std::max(plan.min_runs, plan.max_runs));
}

RunResult run_plan(const RunPlan& plan, const std::function<void(const Progress&)>& on_progress) {
    BatchPlan batch;
    batch.commands.push_back(plan);
    BatchProgress progress;
    if (on_progress) {
        progress = [&on_progress](std::size_t, const Progress& p) { on_progress(p); };
    }
    return std::move(run_batch(batch, progress).front());
}

bool run_accepted(const RunPlan& plan, const exec::ProcessResult& process) {
    if (process.succeeded() || process.interrupted) {
        return process.succeeded();
    }
    if (!plan.ignore_failure) {
        return false;
    }
    if (plan.accepted_exit_codes.empty()) {
        return true;
    }
    return process.signal == 0 && !process.timed_out &&
           std::find(plan.accepted_exit_codes.begin(), plan.accepted_exit_codes.end(),
                     process.exit_code) != plan.accepted_exit_codes.end();
}

IterationRecord to_iteration_record(const Iteration& iteration) {
    constexpr double not_measured = std::numeric_limits<double>::quiet_NaN();
    const exec::ProcessResult& p = iteration.process;
    IterationRecord record;
    record.index = int(iteration.index);
    record.exit_code = p.exit_code;
    record.signal = p.signal;
    double cores = p.wall_s > 0 ? p.tree_cpu_s / p.wall_s : 0;
    record.metrics = {
        {"wall_s", "s", p.wall_s},
        {"user_s", "s", p.user_s},
        {"sys_s", "s", p.sys_s},
        {"cpu_cores", "cores", cores},
        // Not measured (farm's own peak read in its place, history/run.hpp): null, never 0.
        {"max_rss_bytes", "bytes", p.max_rss_bytes ? double(*p.max_rss_bytes) : not_measured},
        {"tree_peak_rss_bytes", "bytes",
         p.tree_peak_rss_bytes ? double(*p.tree_peak_rss_bytes) : not_measured},
    };
    for (const exec::CounterReading& counter : p.counters) {
        record.metrics.push_back({counter.metric, "count", counter.value});
    }
    return record;
}

} // namespace farm::measure
