// The timeline of `farm perf:build --trace FILE` (trace_events.hpp), made from the results the
// command keeps anyway: each timed run's spawn time and wall time, the process tree's samples
// (exec::ProcessResult::tree_series, kept when the plan asks for them), pnpm's stages from its
// ndjson log, and turbo's or Nx's own record of its tasks.
//
// Tracks of process 1 ("farm perf:build"): one per command with its runs; for a pnpm project the
// install runs, pnpm's resolution and link stages, the dependencies' lifecycle scripts, each
// package's build runs, the task runner's runs, and its tasks on as many lanes as ran at once
// (assign_lanes: spans of one lane never overlap). Counter tracks "tree CPU" (cores: CPU seconds
// per second between two samples) and "tree RSS" (MiB), dropping to 0 when a run ends.
// Warm-up runs are not timed results and are left out, as the statistics leave them out.
#pragma once

#include "farm/measure/runner.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/report/trace_events.hpp"

#include <string>
#include <vector>

namespace farm::report {

// Commands mode: one result per command, in the order of `names`.
void add_command_runs(TraceEvents& trace, const std::vector<std::string>& names,
                      const std::vector<measure::RunResult>& results);

// pnpm project mode.
void add_project_runs(TraceEvents& trace, const pnpm::ProjectBenchmarkResult& result);

} // namespace farm::report
