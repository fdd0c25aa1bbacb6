// The commands mode of `farm perf:build` in three steps, one file each:
// - perf_build_plan.cpp: the options (and the command after `--`) become the commands to time,
//   one per command and parameter combination, with their run plans;
// - perf_build_commands.cpp: runs them, prints the result, then stores it (a result is printed
//   before it is stored, so a storage failure never loses it) and writes the exports;
// - perf_build_store.cpp: the --export files.
#pragma once

#include "commands/perf_build_options.hpp"
#include "farm/history/run.hpp"
#include "farm/measure/batch.hpp"
#include "farm/measure/parameters.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace farm::history {
class Store;
}

namespace farm::commands {

struct Invocation;

// One command to time, after {NAME} replacement.
struct TimedCommand {
    std::string typed;   // as the user wrote it (the words after `--` joined), secrets kept
    std::string shown;   // as typed, secrets redacted: Run::command
    std::string subject; // its --name, else `shown`
    measure::ParameterBinding parameters;
};

struct CommandsPlan {
    std::vector<TimedCommand> commands;
    measure::BatchPlan batch;             // batch.commands[i] runs commands[i]
    std::optional<std::size_t> reference; // --reference, else the fastest
    std::optional<double> shell_overhead_s;
    std::string shell; // the shell of --shell, for the notes
};

// Throws farm::UsageError for a contradiction of the options, naming it.
CommandsPlan plan_commands(const PerfBuildOptions& options, const Invocation& invocation);

// The median wall time of `runs` empty runs of `SHELL -c ''` (hyperfine: the mean of 50).
double measure_shell_overhead(const std::string& shell, std::size_t runs = 30);

// Writes each --export file in the format of its extension.
void export_runs(const std::vector<std::string>& files, const std::vector<history::Run>& runs);

// Throws farm::UsageError for a file whose extension is not an export format, before anything
// runs.
void check_export_files(const std::vector<std::string>& files);

} // namespace farm::commands
