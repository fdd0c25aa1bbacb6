// The run loop: warm-up runs, timed runs, prepare and cleanup commands, and when to stop.
//
// Like hyperfine: with an exact --runs the loop runs that many times; otherwise it runs once,
// then as many times as fill the time budget (default 3 s), at least min_runs (default 10) and at
// most max_runs. Warm-up runs are not recorded. FARM_ITERATION is set in the child's environment
// (0, 1, ... for timed runs; warmup-0, ... for warm-ups). A failed iteration stops the loop unless
// failures are ignored; an interrupt stops it at once. Completed iterations are always returned,
// so a partial result can be shown and stored.
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
    std::optional<std::string> prepare; // shell command before each run, untimed
    std::optional<std::string> cleanup; // shell command after the last run
    bool ignore_failure = false;
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

// The per-iteration metrics of a process: wall_s, user_s, sys_s, cpu_cores (tree CPU / wall),
// max_rss_bytes (largest single process), tree_peak_rss_bytes (sampled over the tree) and, with
// --counters, instructions, cycles, branch_misses and cache_misses of the tree (unit "count").
IterationRecord to_iteration_record(const Iteration& iteration);

// Number of timed runs for a budget, given the first run's duration (hyperfine's rule).
std::size_t planned_runs(const RunPlan& plan, double first_run_s);

} // namespace farm::measure
