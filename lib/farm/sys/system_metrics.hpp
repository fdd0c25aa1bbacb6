// The whole machine now (CPU in all and per core, memory, disk, load, uptime) for the `farm perf`
// dashboard: the /proc parsers and the snapshot they fill. Linux only: everything comes from
// /proc and statvfs, no command is run. SystemMonitor (system_monitor.hpp) takes the snapshots.
//
// The parsers take the text of a /proc file and the name to report it under, so tests feed them
// recorded files; a file they cannot read throws farm::Error naming the file and line. The
// definitions of the numbers are in docs/metrics.md ("System").
#pragma once

#include "farm/sys/disk_io.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace farm::sys {

// A "cpu" line of /proc/stat (all cores, or one "cpuN"), in clock ticks since boot.
struct CpuTimes {
    std::uint64_t busy = 0;  // user + nice + system + irq + softirq + steal
    std::uint64_t total = 0; // busy + idle + iowait
};

struct MemoryUsage {
    std::int64_t total_bytes = 0;     // MemTotal
    std::int64_t available_bytes = 0; // MemAvailable
    std::int64_t used_bytes = 0;      // total - available
};

struct DiskUsage {
    std::filesystem::path path;
    std::int64_t total_bytes = 0; // the file system's size
    std::int64_t free_bytes = 0;  // available to an unprivileged user
    std::int64_t used_bytes = 0;  // size - free blocks (root's reserve counts as free)
    double used_pct = 0;          // used / (used + free) * 100, as df computes Use%
};

struct LoadAverage {
    double one = 0;
    double five = 0;
    double fifteen = 0;
};

struct SystemSnapshot {
    double cpu_busy_pct = 0; // over the snapshot's interval, all cores together
    std::chrono::milliseconds cpu_interval{0};
    std::vector<double> core_busy_pct; // the same for each online core, in /proc/stat's order
    DiskIo disk_io;                    // the disk's reads and writes over the same interval
    MemoryUsage memory;
    DiskUsage disk;
    LoadAverage load;
    int cores = 0; // online
    double uptime_s = 0;
};

CpuTimes parse_proc_stat(const std::string& text, const std::string& source = "/proc/stat");
// Every "cpuN" line, in the file's order: one per online core (an offline core has no line).
std::vector<CpuTimes> parse_proc_stat_cores(const std::string& text,
                                            const std::string& source = "/proc/stat");
MemoryUsage parse_meminfo(const std::string& text, const std::string& source = "/proc/meminfo");
LoadAverage parse_loadavg(const std::string& text, const std::string& source = "/proc/loadavg");
double parse_uptime(const std::string& text, const std::string& source = "/proc/uptime");

// Percent of the ticks between two reads that were busy; 0 when no tick passed.
double cpu_busy_pct(const CpuTimes& before, const CpuTimes& after);

// statvfs of `path` (any file or folder on the file system). Throws farm::Error if it fails.
DiskUsage disk_usage(const std::filesystem::path& path);

// The bytes of a /proc file. Throws farm::Error naming it when it cannot be read.
std::string read_proc_file(const std::string& path);

} // namespace farm::sys
