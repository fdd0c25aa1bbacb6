#include "farm/measure/runner.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace farm::measure {

namespace {

using Clock = std::chrono::steady_clock;

// Prepare and cleanup commands run through the shell, untimed, with their output kept for the
// error message.
void run_helper_command(const std::string& what, const std::string& command,
                        const exec::SpawnOptions& like, const std::string& iteration) {
    exec::SpawnOptions options;
    options.argv = {command};
    options.use_shell = true;
    options.cwd = like.cwd;
    options.extra_env = like.extra_env;
    options.extra_env.emplace_back("FARM_ITERATION", iteration);
    options.timeout_s = like.timeout_s;
    options.sample_hz = 0;
    exec::ProcessResult result = exec::run_process(options);
    if (result.interrupted) {
        return; // the caller sees the interrupt flag and stops
    }
    if (!result.succeeded()) {
        std::string tail = result.stderr_tail.empty() ? result.stdout_tail : result.stderr_tail;
        throw CommandError("the " + what + " command `" + command + "` failed (" +
                           result.describe_failure() + ")" + (tail.empty() ? "" : ":\n" + tail));
    }
}

exec::ProcessResult run_once(const RunPlan& plan, const std::string& iteration) {
    if (plan.before_each) {
        plan.before_each(iteration);
    }
    if (plan.prepare) {
        run_helper_command("prepare", *plan.prepare, plan.command, iteration);
        if (exec::interrupted()) {
            exec::ProcessResult skipped;
            skipped.interrupted = true;
            return skipped;
        }
    }
    exec::SpawnOptions options = plan.command;
    options.extra_env.emplace_back("FARM_ITERATION", iteration);
    return exec::run_process(options);
}

std::string failure_message(const exec::ProcessResult& result, std::size_t index) {
    std::string message =
        "run " + std::to_string(index + 1) + " failed (" + result.describe_failure() + ")";
    std::string tail = result.stderr_tail.empty() ? result.stdout_tail : result.stderr_tail;
    if (!tail.empty()) {
        // The last lines are the ones that say what went wrong.
        std::size_t keep = 2000;
        if (tail.size() > keep) {
            tail = "..." + tail.substr(tail.size() - keep);
        }
        while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) {
            tail.pop_back();
        }
        message += "; its last output:\n" + tail;
    }
    return message;
}

} // namespace

std::size_t planned_runs(const RunPlan& plan, double first_run_s) {
    if (plan.runs) {
        return *plan.runs;
    }
    double estimate = first_run_s > 0 ? std::ceil(plan.time_budget_s / first_run_s) : 1e12;
    std::size_t count = estimate > 1e12 ? std::size_t(1e12) : std::size_t(estimate);
    return std::clamp(count, plan.min_runs, std::max(plan.min_runs, plan.max_runs));
}

RunResult run_plan(const RunPlan& plan, const std::function<void(const Progress&)>& on_progress) {
    RunResult result;
    Clock::time_point start = Clock::now();
    auto finish = [&](Outcome outcome) {
        result.outcome = outcome;
        result.total_wall_s = std::chrono::duration<double>(Clock::now() - start).count();
        return result;
    };

    for (std::size_t i = 0; i < plan.warmup; ++i) {
        if (on_progress) {
            on_progress(Progress{true, i + 1, plan.warmup, 0, 0});
        }
        exec::ProcessResult warm = run_once(plan, "warmup-" + std::to_string(i));
        if (warm.interrupted || exec::interrupted()) {
            return finish(Outcome::interrupted);
        }
        if (!warm.succeeded() && !plan.ignore_failure) {
            result.failure = "warm-up " + failure_message(warm, i);
            return finish(Outcome::failed);
        }
    }

    std::size_t planned = plan.runs ? *plan.runs : 1;
    double wall_sum = 0;
    for (std::size_t i = 0; i < planned; ++i) {
        if (on_progress) {
            double mean = i > 0 ? wall_sum / double(i) : 0;
            on_progress(Progress{false, i + 1, planned, mean, mean * double(planned - i)});
        }
        exec::ProcessResult process = run_once(plan, std::to_string(i));
        if (process.interrupted || exec::interrupted()) {
            return finish(Outcome::interrupted);
        }
        wall_sum += process.wall_s;
        bool ok = process.succeeded();
        result.iterations.push_back(Iteration{i, std::move(process)});
        if (!ok && !plan.ignore_failure) {
            result.failure = failure_message(result.iterations.back().process, i);
            return finish(Outcome::failed);
        }
        if (i == 0 && !plan.runs) {
            planned = planned_runs(plan, result.iterations.front().process.wall_s);
        }
    }
    if (plan.cleanup) {
        run_helper_command("cleanup", *plan.cleanup, plan.command, "cleanup");
        if (exec::interrupted()) {
            return finish(Outcome::interrupted);
        }
    }
    return finish(Outcome::completed);
}

IterationRecord to_iteration_record(const Iteration& iteration) {
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
        {"max_rss_bytes", "bytes", double(p.max_rss_bytes)},
        {"tree_peak_rss_bytes", "bytes", double(p.tree_peak_rss_bytes)},
    };
    for (const exec::CounterReading& counter : p.counters) {
        record.metrics.push_back({counter.metric, "count", counter.value});
    }
    return record;
}

} // namespace farm::measure
