// What a task runner says about one of its runs, read from the file it writes: turbo's run
// summary (`turbo run TASK --summarize` writes .turbo/runs/<id>.json) or Nx's task profile
// (NX_PROFILE=FILE writes a Chrome trace of the tasks, nx_profile.hpp).
//
// The summary is outside input: a file that does not parse, holds the wrong types or lacks
// fields is refused with farm::UsageError naming the file (and line and column for a syntax
// error), never a crash. Fields turbo added or dropped over its versions are optional: a task
// needs only its id (or package and task name); times, exit code and cache status are read
// where present. Schema as turbo 2.x writes it (summary "version": "1"): execution.{startTime,
// endTime, exitCode} in milliseconds since the epoch, tasks[].{taskId, package, task, cache.status
// ("HIT" or "MISS"), dependencies[], execution.{startTime, endTime, exitCode, error}}.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

enum class TaskCache { unknown, hit, miss };
const char* to_string(TaskCache cache); // "hit", "miss", "unknown"

struct TaskTiming {
    std::string id;      // "@acme/web#build" (turbo), "web:build" (nx)
    std::string package; // "@acme/web"
    std::string task;    // "build"
    double start_ms = 0; // since the epoch (turbo) or the profile's own clock (nx)
    double end_ms = 0;
    std::optional<int> exit_code;
    std::string error; // the runner's words for a failed task, or its own last lines
    TaskCache cache = TaskCache::unknown;
    std::vector<std::string> dependencies; // ids of the tasks it waited for
    bool error_is_own_output = false; // error holds the task's own last lines (task_output.hpp)
    double duration_s() const { return end_ms > start_ms ? (end_ms - start_ms) / 1000 : 0; }
    bool failed() const { return (exit_code && *exit_code != 0) || !error.empty(); }
};

struct RunSummary {
    std::string runner_version; // "2.11.13" when the file says
    std::vector<TaskTiming> tasks;
    double start_ms = 0;
    double end_ms = 0;
    std::optional<int> exit_code;
    std::size_t attempted = 0; // tasks the runner meant to run (turbo); tasks.size() otherwise
    double wall_s() const { return end_ms > start_ms ? (end_ms - start_ms) / 1000 : 0; }
};

// Parses a turbo run summary read from `path` (named in messages).
RunSummary parse_turbo_summary(std::string_view text, const std::filesystem::path& path);

// The sum of the tasks' durations.
double serial_sum_s(const RunSummary& summary);

// The chain of tasks, each waiting for the one before through `dependencies`, whose durations
// add up to the most: the part of the run that parallelism cannot shorten. Ids, first task
// first; empty without tasks. Dependencies on tasks not in the summary are ignored; a cycle
// (hostile input) cannot loop.
std::vector<std::string> critical_path(const RunSummary& summary);

// serial_sum_s / wall_s: 1 means one task at a time; nullopt when the wall time is 0 or every
// task was a cache hit (nothing ran, so nothing ran in parallel).
std::optional<double> parallelism(const RunSummary& summary);

} // namespace farm::pnpm
