// The install step of a project benchmark (pnpm::benchmark_project): the priming install when the
// store lacks the lockfile's packages, the scenario's state reset before every run (node_modules
// renamed aside and deleted in the background, untimed), one ndjson parser per timed run, and
// after the last run a node_modules that a plain `pnpm install` accepts as its own.
// Internal to lib/farm/pnpm: only project_benchmark*.cpp include it.
#pragma once

#include "farm/pnpm/project_benchmark.hpp"
#include "farm/pnpm/scratch_folder.hpp"

#include <filesystem>

namespace farm::pnpm {

// The plan of one step: the shared run settings with this command, run in `cwd` with pnpm's
// environment.
measure::RunPlan step_plan(const ProjectBenchmarkPlan& plan, std::vector<std::string> argv,
                           const std::filesystem::path& cwd);

// Runs the install in plan.install's scenario; `scratch` holds the cold scenario's store and the
// node_modules folders on their way out.
InstallOutcome run_install(const ProjectBenchmarkPlan& plan, ScratchFolder& scratch,
                           const StepProgress& progress);

// After the builds: where the scenario left node_modules linked to the scratch store (cold) or
// incomplete (prod), replaces it with a plain install from the user's own store, untimed (only
// removes it after a failure or an interrupt); records what it did in install.after_note.
void leave_plain_node_modules(const ProjectBenchmarkPlan& plan, ScratchFolder& scratch,
                              InstallOutcome& install, const StepProgress& progress);

} // namespace farm::pnpm
