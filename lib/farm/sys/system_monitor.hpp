// Snapshots of the machine for the `farm perf` dashboard, once or again and again.
//
// CPU busy shares (all cores and each core) and the disk's read and write rates are changes
// between two reads. A monitor keeps its previous read, so each sample() reports the time since
// the one before: a view redrawn every second shows the last second, and no sample but the first
// waits. The first waits `first_interval` between two reads. Memory, disk use, load and uptime
// are read as they are now. Throws farm::Error when /proc/stat, /proc/meminfo, /proc/loadavg or
// /proc/uptime cannot be read; the disk rates are only absent (DiskIo::known) without
// /proc/diskstats. The monitor also keeps the CPU busy share of its last `history_capacity`
// samples, oldest first, for a graph over time.
#pragma once

#include "farm/sys/system_metrics.hpp"

#include <chrono>
#include <deque>
#include <filesystem>
#include <optional>
#include <vector>

namespace farm::sys {

class SystemMonitor {
  public:
    // `disk_path`: any file or folder on the file system whose use and I/O to report.
    explicit SystemMonitor(
        std::filesystem::path disk_path,
        std::chrono::milliseconds first_interval = std::chrono::milliseconds(200));

    SystemSnapshot sample();

    static constexpr std::size_t history_capacity = 1000;
    // cpu_busy_pct of every sample so far (the last history_capacity), oldest first.
    std::vector<double> cpu_history() const;

  private:
    struct Counters {
        std::chrono::steady_clock::time_point at;
        CpuTimes all;
        std::vector<CpuTimes> cores;
        std::optional<DiskCounters> disk;
    };
    Counters read_counters() const;

    std::filesystem::path m_disk_path;
    std::chrono::milliseconds m_first_interval;
    std::optional<Counters> m_previous;
    std::deque<double> m_cpu_history;
};

// One snapshot, the CPU and disk figures over `cpu_interval` (which this takes).
SystemSnapshot
snapshot_system(const std::filesystem::path& disk_path,
                std::chrono::milliseconds cpu_interval = std::chrono::milliseconds(200));

} // namespace farm::sys
