// The options of `farm perf:build`, shared by its two modes: timing commands (given with -c, or
// one after `--`: perf_build_commands.cpp) and measuring a pnpm project (perf_build_project.cpp).
#pragma once

#include "farm/measure/runner.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
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
    bool min_runs_given = false;
    std::size_t warmup = 0;
    // Commands mode: the commands (-c, repeatable), their names and how they take turns.
    std::vector<std::string> commands;
    std::vector<std::string> names; // one per command
    bool no_interleave = false;
    std::optional<std::uint64_t> seed;
    std::string reference; // a command as typed, or its name
    // Hooks (hyperfine 1.20); prepare is one for all commands or one per command.
    std::string setup;
    std::vector<std::string> prepare;
    std::string conclude;
    std::string cleanup;
    // "" (failures end the command), "all" (-i) or exit codes "1,2".
    std::string ignore_failure;
    std::string shell; // "" (no shell) or the shell program of --shell[=SHELL]
    // null (the default, when not given), pipe, inherit or a file; given or not is told apart so
    // that the pnpm project mode, which reads pnpm's output itself, can refuse it.
    std::optional<std::string> output;
    bool show_output = false; // --output inherit
    std::string input;        // stdin of the commands; "" is /dev/null
    // {NAME} parameters: --parameter-scan NAME MIN MAX, --parameter-list NAME a,b,c.
    std::vector<std::string> parameter_scan;
    std::string parameter_step;
    std::vector<std::vector<std::string>> parameter_lists;
    std::vector<std::string> exports; // --export FILE (format by extension)
    std::string trace;                // --trace FILE: Chrome trace-event JSON
    double timeout_s = 0;
    double sample_hz = 20;
    bool counters = false;
    std::string db;
    bool no_record = false;
    bool json = false;
    bool no_progress = false;
    // pnpm project mode.
    std::string dir;
    std::string install = "warm";
    std::string script = "build";
    bool no_build = false;
    bool keep_going = false; // after a failed package, build what does not depend on it
    std::string pnpm;
    std::string config;
    std::vector<std::string> output_dirs;
    std::string runner = "auto";       // auto, turbo, nx or pnpm
    std::string build_state = "clean"; // clean, incremental or cached
};

// 0, 3 (the command failed) or 130 (interrupted); `checks_failed` turns 0 into 1.
int exit_code_for(measure::Outcome outcome, bool checks_failed = false);

// The run loop's settings from the options; the command to run is left to the caller.
measure::RunPlan run_plan_from(const PerfBuildOptions& options);

void run_perf_build_project(const PerfBuildOptions& options, Invocation& invocation);
// The commands mode: -c CMD (repeatable) or one command after `--`.
void run_perf_build_commands(const PerfBuildOptions& options, Invocation& invocation);

} // namespace farm::commands
