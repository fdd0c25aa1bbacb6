// Runs one child process and measures it exactly.
//
// The child is started with posix_spawnp (no shell unless asked), in a process group of its own,
// with stdin from /dev/null. Its stdout and stderr are read concurrently through pipes while it
// runs, so a child that writes any amount of output never blocks; a caller may watch stdout as it
// streams. wait4 gives the child's user and system CPU, the largest single process's RSS (its own
// or a waited-for descendant's) and how it ended; wall time is taken from the monotonic clock.
// A TreeSampler beside it gives the peak RSS and the CPU time of the run's whole process tree,
// processes that existed before the run left out. The child's life, from running to its group
// ended, is the state machine of child_life.hpp.
//
// Guarantees: when run_process returns (or an output callback's exception leaves it), nothing of
// the child's process group is left running, and no orphan farm adopted is left a zombie. A
// timeout or an interrupt (see interrupt.hpp) sends SIGTERM to the whole group (SIGINT for
// Ctrl-C), then SIGKILL after the grace period. A command that cannot be started throws
// farm::CommandError; everything else is reported in the result. With SIGCHLD ignored (see
// restore_child_signal) the exit status is lost: exit_code -1, signal 0, "exit status unknown".
#pragma once

#include "farm/exec/counters.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace farm::exec {

enum class OutputMode {
    capture, // read through pipes; the last bytes are kept for error messages
    inherit, // the child writes to farm's own stdout and stderr (--show-output)
    null,    // stdout and stderr go straight to /dev/null (no pipe to read: as hyperfine)
    file,    // stdout to output_file (truncated at each start), stderr to /dev/null
};

struct SpawnOptions {
    std::vector<std::string> argv; // argv[0] is looked up in PATH
    bool use_shell = false;        // run `sh -c "argv joined"` instead
    std::filesystem::path cwd;     // empty: farm's current folder
    // Added to (or replacing in) farm's own environment for the child.
    std::vector<std::pair<std::string, std::string>> extra_env;
    OutputMode output = OutputMode::capture;
    std::filesystem::path output_file;              // OutputMode::file
    std::filesystem::path input_file = "/dev/null"; // the child's stdin
    double timeout_s = 0;                           // 0: none
    double kill_grace_s = 2.0;                      // SIGTERM to SIGKILL
    double sample_hz = 20.0;                        // tree sampler rate; 0 disables sampling
    // Keep every tree sample in ProcessResult::tree_series (a timeline, --trace); off, only the
    // peak and the total are kept.
    bool keep_tree_series = false;
    // Called with each piece of stdout / stderr as it arrives (capture mode only).
    std::function<void(std::string_view)> on_stdout;
    std::function<void(std::string_view)> on_stderr;
    // Hardware counters read around the run (opened once by the caller for all its runs).
    TreeCounters* counters = nullptr;
};

// One sample of the run's process tree: seconds from the spawn, the tree's RSS then, and the
// CPU time its processes had used so far.
struct TreeSample {
    double at_s = 0;
    std::int64_t rss_bytes = 0;
    double cpu_s = 0;
};

struct ProcessResult {
    std::chrono::steady_clock::time_point started{}; // the spawn, on the monotonic clock
    double wall_s = 0;
    double user_s = 0;
    double sys_s = 0;
    // Largest single process (wait4's ru_maxrss). nullopt where it read farm's own peak RSS:
    // Linux charges a command started with vfork (posix_spawn) with the spawning process's peak
    // at exec, so a command that stays below farm's peak cannot be told from farm.
    std::optional<std::int64_t> max_rss_bytes;
    // Peak of the sum over the tree (sampler), at least max_rss_bytes; nullopt when neither the
    // sampler (a command shorter than one sample period) nor wait4 measured it.
    std::optional<std::int64_t> tree_peak_rss_bytes;
    double tree_cpu_s = 0; // CPU of the whole tree, including unwaited descendants
    int exit_code = -1;    // -1 when ended by a signal, or unknown
    int signal = 0;        // the signal that ended it, 0 if it exited
    bool timed_out = false;
    bool interrupted = false;
    std::size_t tree_samples = 0;
    std::string stdout_tail;              // last bytes of stdout (capture mode)
    std::string stderr_tail;              // last bytes of stderr (capture mode)
    std::vector<CounterReading> counters; // empty when not asked or not readable
    std::vector<TreeSample> tree_series;  // with SpawnOptions::keep_tree_series only

    bool succeeded() const { return exit_code == 0 && !timed_out && !interrupted; }
    // "exit code 2", "killed by SIGKILL", "timed out", "interrupted"
    std::string describe_failure() const;
};

// Makes farm a child subreaper, so that orphaned descendants of a measured command stay in its
// tree (and are reaped by farm) instead of moving to init. Called once at start-up.
void become_subreaper();

ProcessResult run_process(const SpawnOptions& options);

// Where a child's stdout goes when it is not captured: /dev/null, the output file, or empty
// (farm's own, inherited).
inline std::filesystem::path output_path_for(const SpawnOptions& options) {
    if (options.output == OutputMode::null) {
        return "/dev/null";
    }
    return options.output == OutputMode::file ? options.output_file : std::filesystem::path();
}

} // namespace farm::exec
