// Reading processes and their tree from /proc: the one place in farm that walks the tree.
//
// A process's children come from /proc/PID/task/TID/children (one small file a thread); where the
// kernel lacks those files, one pass over every /proc/PID/stat builds the same parent -> children
// map. The tree sampler, the stopping of a dev service and the reaping of stray zombies all walk
// through walk_process_tree, so they agree on what "the tree" is.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace farm::exec {

// The fields of /proc/PID/stat that farm uses (proc(5) numbering in the comments).
struct ProcStat {
    char state = '?';              // 3: R, S, D, Z (zombie), X (dead), ...
    pid_t ppid = 0;                // 4
    std::uint64_t cpu_ticks = 0;   // 14 + 15: user + system time, in clock ticks
    long threads = 0;              // 20
    std::uint64_t start_ticks = 0; // 22: start time after boot, in clock ticks
    std::int64_t rss_pages = 0;    // 24

    bool zombie() const { return state == 'Z' || state == 'X'; }
};

// Reads a /proc file whole into `out`; false when it cannot (the process is gone).
using ProcReader = std::function<bool(const char* path, std::string& out)>;

// One open/read/close; /proc files are generated whole per read.
bool read_small_file(const char* path, std::string& out);

bool read_proc_stat(pid_t pid, ProcStat& stat, const ProcReader& read = read_small_file);

// Called for each process of a walk; returns whether to go on into its children.
using ProcVisitor = std::function<bool(pid_t pid, const ProcStat& stat)>;

// Visits `root` and its descendants; root 0 visits farm's descendants, farm itself left out. A
// process that ends during the walk is skipped.
void walk_process_tree(pid_t root, const ProcVisitor& visit,
                       const ProcReader& read = read_small_file);

// `root` (when it exists) and every descendant of it alive now.
std::vector<pid_t> process_tree(pid_t root);

// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

// farm's own children that have exited and wait to be reaped.
std::vector<pid_t> zombie_children();

} // namespace farm::exec
