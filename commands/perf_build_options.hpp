// The options of `farm perf:build`, shared by its two modes: timing a command given after `--`
// (perf_build.cpp) and measuring a pnpm project (perf_build_project.cpp).
#pragma once

#include "farm/measure/runner.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace farm::commands {

struct Invocation;

struct PerfBuildOptions {
    // How many runs and how each is run (both modes).
    std::size_t runs = 0;
    std::size_t min_runs = 10;
    std::size_t max_runs = 0;
    double time_budget_s = 3.0;
    bool run_count_given = false; // any of --runs, --min-runs, --max-runs, --time-budget
    std::size_t warmup = 0;
    std::string prepare;
    std::string cleanup;
    bool ignore_failure = false;
    bool shell = false;
    bool show_output = false;
    double timeout_s = 0;
    double sample_hz = 20;
    std::string name;
    std::string db;
    bool no_record = false;
    bool json = false;
    // pnpm project mode.
    std::string dir;
    std::string install = "warm";
    std::string script = "build";
    bool no_build = false;
    std::string pnpm;
    std::string config;
    std::vector<std::string> output_dirs;
};

// 0, 3 (the command failed) or 130 (interrupted); `checks_failed` turns 0 into 1.
int exit_code_for(measure::Outcome outcome, bool checks_failed = false);

// The run loop's settings from the options; the command to run is left to the caller.
measure::RunPlan run_plan_from(const PerfBuildOptions& options);

void run_perf_build_project(const PerfBuildOptions& options, Invocation& invocation);

} // namespace farm::commands
