#include "farm/measure/command_loop.hpp"

#include "farm/exec/interrupt.hpp"

namespace farm::measure {

namespace {

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

CommandLoop::CommandLoop(const RunPlan& plan) : m_plan(plan), m_options(plan.command) {
    m_options.extra_env.emplace_back("FARM_ITERATION", "");
    if (plan.runs) {
        m_planned = *plan.runs;
    }
}

void CommandLoop::add_time(Clock::time_point since) {
    m_result.total_wall_s += std::chrono::duration<double>(Clock::now() - since).count();
}

void CommandLoop::end(Outcome outcome, std::string failure) {
    if (!m_ended) {
        m_ended = true;
        m_result.outcome = outcome;
        m_result.failure = std::move(failure);
    }
}

bool CommandLoop::run_hook(const char* what, const std::optional<std::string>& command) {
    if (!command) {
        return true;
    }
    exec::SpawnOptions options;
    options.argv = {*command};
    options.use_shell = true;
    options.cwd = m_options.cwd;
    options.extra_env = m_options.extra_env; // FARM_ITERATION of the run it belongs to
    options.timeout_s = m_options.timeout_s;
    options.sample_hz = 0;
    options.output = m_plan.hook_output;
    exec::ProcessResult result = exec::run_process(options);
    if (result.interrupted || exec::interrupted()) {
        end(Outcome::interrupted, "");
        return false;
    }
    if (!result.succeeded()) {
        end(Outcome::failed, std::string("the ") + what + " command `" + *command + "` failed (" +
                                 result.describe_failure() + ")");
        return false;
    }
    return true;
}

exec::ProcessResult CommandLoop::run_measured(const std::string& iteration) {
    m_options.extra_env.back().second = iteration;
    if (m_plan.before_each) {
        m_plan.before_each(iteration);
    }
    exec::ProcessResult skipped;
    skipped.interrupted = true;
    if (!run_hook("prepare", m_plan.prepare)) {
        return skipped;
    }
    exec::ProcessResult process = exec::run_process(m_options);
    if (m_plan.shell_overhead_s > 0) {
        process.wall_s = std::max(0.0, process.wall_s - m_plan.shell_overhead_s);
    }
    return process;
}

void CommandLoop::start(const std::function<void(const Progress&)>& on_progress) {
    Clock::time_point started = Clock::now();
    m_options.extra_env.back().second = "setup";
    m_setup_ran = true;
    if (!run_hook("setup", m_plan.setup)) {
        add_time(started);
        return;
    }
    for (std::size_t i = 0; i < m_plan.warmup && !m_ended; ++i) {
        if (on_progress) {
            on_progress(Progress{true, i + 1, m_plan.warmup, 0, 0});
        }
        exec::ProcessResult warm = run_measured("warmup-" + std::to_string(i));
        if (m_ended) {
            break; // its prepare hook failed
        }
        if (warm.interrupted || exec::interrupted()) {
            end(Outcome::interrupted, "");
        } else if (!run_accepted(m_plan, warm)) {
            end(Outcome::failed, "warm-up " + failure_message(warm, i));
        } else {
            run_hook("conclude", m_plan.conclude);
        }
    }
    add_time(started);
}

void CommandLoop::run_once(std::size_t rounds,
                           const std::function<void(const Progress&)>& on_progress) {
    Clock::time_point started = Clock::now();
    std::size_t i = m_result.iterations.size();
    if (on_progress) {
        double mean = i > 0 ? m_wall_sum / double(i) : 0;
        on_progress(Progress{false, i + 1, rounds, mean, mean * double(rounds - i)});
    }
    exec::ProcessResult process = run_measured(std::to_string(i));
    if (m_ended) {
        add_time(started);
        return;
    }
    if (process.interrupted || exec::interrupted()) {
        end(Outcome::interrupted, "");
        add_time(started);
        return;
    }
    m_wall_sum += process.wall_s;
    bool ok = run_accepted(m_plan, process);
    m_result.iterations.push_back(Iteration{i, std::move(process)});
    if (i == 0 && !m_plan.runs) {
        m_planned = planned_runs(m_plan, m_result.iterations.front().process.wall_s);
    }
    if (!ok) {
        end(Outcome::failed, failure_message(m_result.iterations.back().process, i));
    } else {
        run_hook("conclude", m_plan.conclude);
    }
    add_time(started);
}

RunResult CommandLoop::finish(bool interrupted) {
    if (interrupted) {
        end(Outcome::interrupted, "");
    }
    if (m_setup_ran && m_plan.cleanup) {
        Clock::time_point started = Clock::now();
        m_options.extra_env.back().second = "cleanup";
        // A cleanup that fails is reported, unless the loop already ended for a reason of its own
        // (that reason is the one to act on).
        bool already_ended = m_ended;
        RunResult earlier{{}, m_result.outcome, m_result.failure, 0};
        m_ended = false;
        run_hook("cleanup", m_plan.cleanup);
        if (already_ended) {
            m_result.outcome = earlier.outcome;
            m_result.failure = std::move(earlier.failure);
            m_ended = true;
        }
        add_time(started);
    }
    end(Outcome::completed, "");
    return std::move(m_result);
}

} // namespace farm::measure
