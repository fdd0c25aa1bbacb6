// Reads hyperfine's `--export-json` file into history runs, so that measurements taken before
// farm can join the history.
//
// Each entry of "results" becomes one run of kind "build": one iteration per entry of "times"
// (wall_s) with its exit code from "exit_codes" when present. hyperfine keeps user and system
// time only as means over all runs, not per run, so they are not imported (farm never invents
// per-run values); nor is "memory_usage_byte", which hyperfine takes from getrusage over its
// whole life rather than per run. The subject is `subject` (with several results,
// "subject:command"), else the command. The run's time is the file's modification time.
#pragma once

#include "farm/history/run.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace farm::history {

// Throws farm::UsageError naming the file and the JSON path of anything it cannot use.
std::vector<Run> runs_from_hyperfine(const std::filesystem::path& file,
                                     const std::optional<std::string>& subject);

} // namespace farm::history
