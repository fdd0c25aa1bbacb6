// What a build through a task runner (runner_build.hpp) measured: the runner's command, farm's
// timing of each of its runs, and per run the runner's own record of its tasks.
#pragma once

#include "farm/measure/runner.hpp"
#include "farm/pnpm/package_output.hpp"
#include "farm/pnpm/project.hpp"
#include "farm/pnpm/turbo_summary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

struct RunnerBuild {
    std::vector<std::string> argv;
    measure::RunResult run;
    // One per timed run, in order; nullopt where the runner left no readable record
    // (summary_problems says why).
    std::vector<std::optional<RunSummary>> summaries;
    std::vector<std::string> summary_problems;
    // What each package that has the script wrote to its output folders, measured once after
    // the last run when every run completed.
    std::vector<std::pair<const Package*, std::optional<PackageOutput>>> outputs;
};

} // namespace farm::pnpm
