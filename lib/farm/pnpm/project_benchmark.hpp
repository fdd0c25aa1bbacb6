// Measures a pnpm project the way a developer lives it: the install in one scenario, then the
// build script of each package on its own (`pnpm --filter NAME run SCRIPT`) in dependency order,
// then what each build wrote to its output folders.
//
// Each step is its own run loop (measure::run_plan) with the same run count, so that package i
// of run k and package j of run k belong together and the total of run k is their sum. The
// install's ndjson log is parsed per run. State is reset exactly as the scenario says before every
// run, and a lockfile that pnpm creates where there was none is removed at the end: the project is
// left as it was found (node_modules aside).
#pragma once

#include "farm/measure/output_size.hpp"
#include "farm/measure/runner.hpp"
#include "farm/pnpm/install_log.hpp"
#include "farm/pnpm/install_scenario.hpp"
#include "farm/pnpm/project.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

struct ProjectBenchmarkPlan {
    Project project;
    std::string pnpm; // binary
    InstallScenario install = InstallScenario::warm;
    std::optional<std::string> script = "build"; // nullopt: no build step
    std::vector<std::string> output_dirs;
    // Counts, warm-ups, timeout, output mode, sampling, failure handling; the command is set
    // per step. Without an exact count each step fills its own time budget.
    measure::RunPlan runs;
};

struct InstallOutcome {
    std::vector<std::string> argv;
    measure::RunResult run;
    std::vector<InstallStats> stats; // one per timed run, in order
};

struct PackageBuild {
    const Package* package = nullptr;
    std::vector<std::string> argv;
    measure::RunResult run;
    std::optional<measure::OutputSize> output; // measured after the last run, when it succeeded
};

struct ProjectBenchmarkResult {
    std::optional<InstallOutcome> install;
    std::vector<PackageBuild> builds;
    measure::Outcome outcome = measure::Outcome::completed;
    std::string failure; // which step failed and why
    bool removed_created_lockfile = false;
};

// Step names passed to the progress callback: "install (warm)", "build @example/web".
using StepProgress = std::function<void(const std::string& step, const measure::Progress&)>;

// Throws farm::UsageError when the script exists in no package.
ProjectBenchmarkResult benchmark_project(const ProjectBenchmarkPlan& plan,
                                         const StepProgress& progress);

} // namespace farm::pnpm
