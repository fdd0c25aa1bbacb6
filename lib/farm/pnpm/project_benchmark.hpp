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
#include "farm/pnpm/package_output.hpp"
#include "farm/pnpm/project.hpp"
#include "farm/pnpm/runner_result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

// Who runs the builds: the workspace's task runner (turbo, nx) or farm itself, one package at a
// time through `pnpm --filter NAME run SCRIPT`.
enum class BuildRunner { pnpm, turbo, nx };
const char* to_string(BuildRunner runner);

// What each build run starts from: `clean` removes outputs and build caches before every run,
// `incremental` removes nothing, `cached` keeps the runner's cache (every task a hit).
enum class BuildState { clean, incremental, cached };
const char* to_string(BuildState state);

// What happened to one package's build in this call.
//   ok: every run completed; failed: a run failed or was stopped; skipped: not run because a
//   workspace dependency failed (PackageBuild::blocked_by names it); not_run: not reached (an
//   earlier failure ended the call without --keep-going).
enum class PackageStatus { ok, failed, skipped, not_run };
const char* to_string(PackageStatus status);

struct ProjectBenchmarkPlan {
    Project project;
    std::string pnpm; // binary
    InstallScenario install = InstallScenario::warm;
    std::optional<std::string> script = "build"; // nullopt: no build step
    std::vector<std::string> output_dirs;        // empty: each package's own (pnpm/output_dirs.hpp)
    std::optional<std::filesystem::path> size_cache; // measure::SizeCache file; none: no cache
    // Counts, warm-ups, timeout, output mode, sampling, failure handling; the command is set
    // per step. Without an exact count each step fills its own time budget.
    measure::RunPlan runs;
    BuildRunner runner = BuildRunner::pnpm;
    BuildState build_state = BuildState::clean;
    bool keep_going = false; // after a failure, build what does not depend on it
};

struct InstallOutcome {
    std::vector<std::string> argv;
    measure::RunResult run;
    std::vector<InstallStats> stats; // one per timed run, in order
    bool primed = false;             // an untimed install filled the store first
    bool resolves_each_run = false;  // no lockfile: every run resolved from scratch
    std::string after_note;          // what the last step did to node_modules, when anything
};

struct PackageBuild {
    const Package* package = nullptr;
    std::vector<std::string> argv;
    measure::RunResult run;
    std::optional<PackageOutput> output; // measured after the last run, when it succeeded
    PackageStatus status = PackageStatus::ok;
    std::string blocked_by; // skipped: the dependency whose build failed
};

struct ProjectBenchmarkResult {
    std::optional<InstallOutcome> install;
    std::vector<PackageBuild> builds;
    // With plan.runner turbo or nx: the runner's build, instead of `builds` (one per package).
    std::optional<RunnerBuild> runner_build;
    measure::Outcome outcome = measure::Outcome::completed;
    std::string failure; // which step failed and why; secrets masked (core::redact_secrets)
    bool removed_created_lockfile = false;
};

// Step names passed to the progress callback: "install (warm)", "build @example/web".
using StepProgress = std::function<void(const std::string& step, const measure::Progress&)>;

// What a browser gets from a package's build (package_output.hpp), measured after a successful
// build, through the plan's size cache.
std::optional<PackageOutput> measure_package_output(const ProjectBenchmarkPlan& plan,
                                                    const Package& package);

// Why a package's build failed, its own message first, in words: the last lines it printed
// (pnpm's banner, ERR_PNPM_* and "Exit status" lines left out), then how the run ended.
std::string build_failure_message(const Package& package, const measure::RunResult& run);

// Throws farm::UsageError when the script exists in no package.
ProjectBenchmarkResult benchmark_project(const ProjectBenchmarkPlan& plan,
                                         const StepProgress& progress);

} // namespace farm::pnpm
