// A snapshot of the whole machine now (CPU, memory, disk, load, uptime) for the `farm perf`
// dashboard. Linux only: everything comes from /proc and statvfs, no command is run.
//
// The parsers take the text of a /proc file and the name to report it under, so tests feed them
// recorded files; a file they cannot read throws farm::Error naming the file and line. The
// definitions of the numbers are in docs/metrics.md ("System").
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace farm::sys {

// The aggregate "cpu" line of /proc/stat, in clock ticks since boot.
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
    MemoryUsage memory;
    DiskUsage disk;
    LoadAverage load;
    int cores = 0; // online
    double uptime_s = 0;
};

CpuTimes parse_proc_stat(const std::string& text, const std::string& source = "/proc/stat");
MemoryUsage parse_meminfo(const std::string& text, const std::string& source = "/proc/meminfo");
LoadAverage parse_loadavg(const std::string& text, const std::string& source = "/proc/loadavg");
double parse_uptime(const std::string& text, const std::string& source = "/proc/uptime");

// Percent of the ticks between two reads that were busy; 0 when no tick passed.
double cpu_busy_pct(const CpuTimes& before, const CpuTimes& after);

// statvfs of `path` (any file or folder on the file system). Throws farm::Error if it fails.
DiskUsage disk_usage(const std::filesystem::path& path);

// Reads everything now; the CPU figure needs two reads of /proc/stat `cpu_interval` apart, so
// this takes that long. Throws farm::Error when a /proc file is missing or unreadable.
SystemSnapshot
snapshot_system(const std::filesystem::path& disk_path,
                std::chrono::milliseconds cpu_interval = std::chrono::milliseconds(200));

} // namespace farm::sys
