// Reads hyperfine's `--export-json` file into history runs, so that measurements taken before
// farm can join the history, and so that runs farm could not store (record_or_keep.hpp) come
// back in.
//
// Each entry of "results" becomes one run of kind "build": one iteration per entry of "times"
// (wall_s) with its exit code from "exit_codes" when present. A null exit code (hyperfine 1.11
// wrote null for a run ended by a signal; later versions write 128 + signal) is a failed
// iteration (exit code -1), and a run with any non-zero exit code is a failed run. "parameters"
// become the run's parameters. hyperfine keeps user and system time only as means over all
// runs, not per run, so they are not imported (farm never invents per-run values); nor is
// "memory_usage_byte", whose meaning changed between hyperfine versions. The subject is
// `subject` (with several results, "subject:command"), else the command. The run's time is the
// file's modification time.
//
// A result farm wrote (hyperfine_json.hpp) carries farm's own key "farm": its kind, subject,
// status, start time, folder, batch, parameters in their order, per-iteration metrics, signals
// and context are restored from it, so such a file round-trips whole (`subject` still wins).
//
// Each run gets Run::import_digest, a hash of its result's content and position: the command
// asks the history for it first, so that importing a file twice adds nothing.
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
