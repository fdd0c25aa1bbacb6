// Samples the resident memory and CPU time of a whole process tree from /proc.
//
// The tree is every descendant of farm itself (proc_tree.hpp), so it includes children of
// children and, because farm makes itself a child subreaper, orphans whose parent exited before
// them. Each sample sums RSS over the tree at that instant; the peak of those sums is the tree's
// peak RSS, which neither getrusage nor wait4 can give (they report the largest single process).
// CPU time is remembered per process, so a process that exits between samples still counts with
// its last observed time.
//
// A run is charged only with processes of its own: exclude_present() (before the run's child is
// started) and count_from() (after) leave out every process that existed before the run, with
// everything below it: a daemon a previous run left behind and farm adopted, a dev service farm
// runs beside the measurement, a zombie not reaped yet, a process re-parented to farm during the
// run but started before it (its start time in /proc/PID/stat is older than the run's child).
//
// Cost: per sample, one pread of each live process's stat and children files, kept open between
// samples; nothing else of /proc is scanned unless the kernel lacks the children files, in which
// case every /proc/PID/stat is read.
#pragma once

#include "farm/exec/proc_tree.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace farm::exec {

class TreeSampler {
  public:
    // root 0: farm's descendants (farm itself left out); otherwise `root` and its descendants,
    // such as one dev service among several.
    explicit TreeSampler(pid_t root = 0);
    ~TreeSampler();
    TreeSampler(const TreeSampler&) = delete;
    TreeSampler& operator=(const TreeSampler&) = delete;

    // Remembers the processes of the tree alive (or zombie) now as not part of what is sampled.
    void exclude_present();
    // The run's first process: processes that started before it are not part of the run.
    void count_from(pid_t leader);

    // Takes one sample of the tree.
    void sample();

    std::int64_t peak_rss_bytes() const { return m_peak_rss_bytes; }
    // The sum over the tree at the last sample.
    std::int64_t last_rss_bytes() const { return m_last_rss_bytes; }
    // Sum over every process seen of its last observed user + system CPU time.
    double cpu_seconds() const;
    std::size_t samples_taken() const { return m_samples; }
    std::size_t max_processes_seen() const { return m_max_processes; }

  private:
    bool read_proc_file(const char* path, std::string& out);
    bool older_than_run(pid_t pid, const ProcStat& stat) const;
    void learn_run_start();

    struct ProcessTimes {
        std::uint64_t start_ticks = 0; // tells a reused pid from the process seen before
        std::uint64_t cpu_ticks = 0;
    };
    std::unordered_map<pid_t, ProcessTimes> m_seen;
    std::unordered_map<pid_t, std::uint64_t> m_before; // pid -> start ticks, from exclude_present
    pid_t m_leader = 0;
    std::uint64_t m_run_start_ticks = 0; // the leader's start; 0 while unknown
    std::int64_t m_peak_rss_bytes = 0;
    std::int64_t m_last_rss_bytes = 0;
    std::size_t m_samples = 0;
    std::size_t m_max_processes = 0;
    long m_page_size;
    long m_ticks_per_second;
    pid_t m_root;
    std::unordered_map<std::string, int> m_open_files; // /proc path -> descriptor
};

} // namespace farm::exec
