// The run loop of one command: warm-up runs, timed runs, the hooks around them, and when to stop.
// (batch.hpp runs several commands' loops together, interleaved or one after the other.)
//
// Like hyperfine: with an exact --runs the loop runs that many times; otherwise it runs once,
// then as many times as fill the time budget (default 3 s), at least min_runs (default 10) and at
// most max_runs. Warm-up runs are not recorded. FARM_ITERATION is set in the child's environment
// (0, 1, ... for timed runs; warmup-0, ... for warm-ups). Hooks as hyperfine 1.20: setup once
// before the command's runs, prepare before and conclude after each run (warm-ups included,
// untimed), cleanup once after its runs, also after a failure or an interrupt. A failed iteration
// or hook ends the loop unless failures are ignored (a failed hook always ends it); an interrupt
// ends it at once. Completed iterations are always returned, so a partial result can be shown and
// stored.
#pragma once

#include "farm/exec/process.hpp"
#include "farm/measure/sample.hpp"

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace farm::measure {

struct RunPlan {
    exec::SpawnOptions command;
    std::optional<std::size_t> runs; // exact number of timed runs
    std::size_t min_runs = 10;
    std::size_t max_runs = std::numeric_limits<std::size_t>::max();
    double time_budget_s = 3.0;
    std::size_t warmup = 0;
    // Hooks: shell commands (`sh -c`), untimed, their output where hook_output says.
    std::optional<std::string> setup;    // once before the warm-ups and runs
    std::optional<std::string> prepare;  // before each run
    std::optional<std::string> conclude; // after each run
    std::optional<std::string> cleanup;  // once after the runs, also after a failure or interrupt
    exec::OutputMode hook_output = exec::OutputMode::null;
    bool ignore_failure = false;
    // With ignore_failure: only these non-zero exit codes are accepted (empty: every failure).
    std::vector<int> accepted_exit_codes;
    // The shell's own start-up (--shell), subtracted from each run's wall time (not below 0).
    double shell_overhead_s = 0;
    // Called in-process before each run (warm-ups included) with its FARM_ITERATION value,
    // untimed: resetting state that a shell command cannot reach (a parser, a folder).
    std::function<void(const std::string& iteration)> before_each;
};

struct Iteration {
    std::size_t index = 0;
    exec::ProcessResult process;
};

struct RunResult {
    std::vector<Iteration> iterations; // timed runs that completed (failed ones included)
    Outcome outcome = Outcome::completed;
    std::string failure;     // what failed and why, for Outcome::failed
    double total_wall_s = 0; // the whole loop, warm-ups and prepare commands included
};

struct Progress {
    bool warmup = false;
    std::size_t current = 0; // 1-based
    std::size_t planned = 0;
    double mean_wall_s = 0; // over the timed runs so far
    double eta_s = 0;
};

RunResult run_plan(const RunPlan& plan, const std::function<void(const Progress&)>& on_progress);

// Whether a run's ending counts as a success under the plan's --ignore-failure.
bool run_accepted(const RunPlan& plan, const exec::ProcessResult& process);

// The per-iteration metrics of a process: wall_s, user_s, sys_s, cpu_cores (tree CPU / wall),
// max_rss_bytes (largest single process), tree_peak_rss_bytes (sampled over the tree) and, with
// --counters, instructions, cycles, branch_misses and cache_misses of the tree (unit "count").
IterationRecord to_iteration_record(const Iteration& iteration);

// Number of timed runs for a budget, given the first run's duration (hyperfine's rule).
std::size_t planned_runs(const RunPlan& plan, double first_run_s);

} // namespace farm::measure
