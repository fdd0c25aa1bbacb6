#include "farm/sys/system_monitor.hpp"

#include "farm/core/error.hpp"

#include <thread>
#include <unistd.h>

namespace farm::sys {

SystemMonitor::SystemMonitor(std::filesystem::path disk_path,
                             std::chrono::milliseconds first_interval)
    : m_disk_path(std::move(disk_path)), m_first_interval(first_interval) {}

SystemMonitor::Counters SystemMonitor::read_counters() const {
    Counters counters;
    counters.at = std::chrono::steady_clock::now();
    std::string stat = read_proc_file("/proc/stat");
    counters.all = parse_proc_stat(stat);
    counters.cores = parse_proc_stat_cores(stat);
    // Disk rates are a bonus: a kernel without /proc/diskstats still shows everything else.
    try {
        counters.disk = counters_for_path(parse_diskstats(read_proc_file("/proc/diskstats")),
                                          m_disk_path, is_physical_whole_disk);
    } catch (const Error&) {
        counters.disk.reset();
    }
    return counters;
}

SystemSnapshot SystemMonitor::sample() {
    if (!m_previous) {
        m_previous = read_counters();
        std::this_thread::sleep_for(m_first_interval);
    }
    Counters now = read_counters();
    SystemSnapshot snapshot;
    snapshot.cpu_busy_pct = cpu_busy_pct(m_previous->all, now.all);
    snapshot.cpu_interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.at - m_previous->at);
    // A core that went offline or came back changes the list: its share is unknown this once.
    if (now.cores.size() == m_previous->cores.size()) {
        for (std::size_t i = 0; i < now.cores.size(); ++i) {
            snapshot.core_busy_pct.push_back(cpu_busy_pct(m_previous->cores[i], now.cores[i]));
        }
    }
    if (now.disk && m_previous->disk) {
        double seconds = std::chrono::duration<double>(now.at - m_previous->at).count();
        snapshot.disk_io = disk_io_between(*m_previous->disk, *now.disk, seconds);
    }
    snapshot.memory = parse_meminfo(read_proc_file("/proc/meminfo"));
    snapshot.disk = disk_usage(m_disk_path);
    snapshot.load = parse_loadavg(read_proc_file("/proc/loadavg"));
    snapshot.uptime_s = parse_uptime(read_proc_file("/proc/uptime"));
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    snapshot.cores = online > 0 ? static_cast<int>(online) : 1;
    m_previous = std::move(now);
    m_cpu_history.push_back(snapshot.cpu_busy_pct);
    if (m_cpu_history.size() > history_capacity) {
        m_cpu_history.pop_front();
    }
    return snapshot;
}

std::vector<double> SystemMonitor::cpu_history() const {
    return {m_cpu_history.begin(), m_cpu_history.end()};
}

SystemSnapshot snapshot_system(const std::filesystem::path& disk_path,
                               std::chrono::milliseconds cpu_interval) {
    SystemMonitor monitor(disk_path, cpu_interval);
    return monitor.sample();
}

} // namespace farm::sys
