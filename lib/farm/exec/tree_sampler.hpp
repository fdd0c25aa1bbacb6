// Samples the resident memory and CPU time of a whole process tree from /proc.
//
// The tree is every descendant of farm itself found through /proc/PID/task/TID/children, so it
// includes children of children and, because farm makes itself a child subreaper, orphans whose
// parent exited before them. Each sample sums RSS over the tree at that instant; the peak of those
// sums is the tree's peak RSS, which neither getrusage nor wait4 can give (they report the largest
// single process). CPU time is remembered per process, so a process that exits between samples
// still counts with its last observed time.
//
// Cost: per sample, one pread of each live process's stat and children files, kept open between
// samples; nothing else of /proc is scanned unless the kernel lacks the children files, in which
// case every /proc/PID/stat is read.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <unordered_map>
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

    // Takes one sample of the tree.
    void sample();

    std::int64_t peak_rss_bytes() const { return m_peak_rss_bytes; }
    // Sum over every process seen of its last observed user + system CPU time.
    double cpu_seconds() const;
    std::size_t samples_taken() const { return m_samples; }
    std::size_t max_processes_seen() const { return m_max_processes; }

  private:
    bool read_proc_file(const char* path, std::string& out);

    struct ProcessTimes {
        std::uint64_t start_ticks = 0; // tells a reused pid from the process seen before
        std::uint64_t cpu_ticks = 0;
    };
    std::unordered_map<pid_t, ProcessTimes> m_seen;
    std::int64_t m_peak_rss_bytes = 0;
    std::size_t m_samples = 0;
    std::size_t m_max_processes = 0;
    long m_page_size;
    long m_ticks_per_second;
    bool m_children_files;
    pid_t m_root;
    std::unordered_map<std::string, int> m_open_files; // /proc path -> descriptor
};

// `root` (when it exists) and every descendant of it alive now.
std::vector<pid_t> process_tree(pid_t root);

// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

} // namespace farm::exec
