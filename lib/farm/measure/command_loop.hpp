// One command's share of a run loop, in steps a scheduler (batch.hpp) calls in the order it
// chooses: start() runs setup and the warm-ups, run_once() one timed run with its prepare and
// conclude hooks, finish() the cleanup hook. The loop keeps its own result, so commands can take
// turns without copying anything per run: the child's options are built once, and only the value
// of FARM_ITERATION changes from run to run.
#pragma once

#include "farm/measure/runner.hpp"

#include <chrono>

namespace farm::measure {

class CommandLoop {
  public:
    explicit CommandLoop(const RunPlan& plan);

    // Setup and warm-ups. The loop is over (ended()) when one failed or an interrupt arrived.
    void start(const std::function<void(const Progress&)>& on_progress);
    // One timed run. After the first one, planned() is hyperfine's count for the time budget.
    void run_once(std::size_t rounds, const std::function<void(const Progress&)>& on_progress);
    // Cleanup (when setup ran), then the result. Call once; `interrupted` marks the outcome.
    RunResult finish(bool interrupted);

    bool ended() const { return m_ended; }
    std::size_t completed_runs() const { return m_result.iterations.size(); }
    // The planned number of timed runs: exact with --runs, else known after the first run.
    std::size_t planned() const { return m_planned; }

  private:
    using Clock = std::chrono::steady_clock;

    // Runs a hook; false (with the failure noted) when it failed or was interrupted.
    bool run_hook(const char* what, const std::optional<std::string>& command);
    exec::ProcessResult run_measured(const std::string& iteration);
    void end(Outcome outcome, std::string failure);
    void add_time(Clock::time_point since);

    const RunPlan& m_plan;
    exec::SpawnOptions m_options; // the measured command; the last extra_env is FARM_ITERATION
    RunResult m_result;
    std::size_t m_planned = 1;
    double m_wall_sum = 0;
    bool m_setup_ran = false;
    bool m_ended = false;
};

} // namespace farm::measure
