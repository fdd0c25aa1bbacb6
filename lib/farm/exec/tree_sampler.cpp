#include "farm/exec/tree_sampler.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace farm::exec {

// The files of the tree's processes stay open between samples and are re-read with pread at
// offset 0, which /proc answers with fresh content: one system call a file a sample instead of
// three. A descriptor belongs to the process it was opened for, so a reused pid reads as gone.
bool TreeSampler::read_proc_file(const char* path, std::string& out) {
    auto it = m_open_files.find(path);
    if (it == m_open_files.end()) {
        constexpr std::size_t max_open_files = 256;
        if (m_open_files.size() >= max_open_files) {
            return read_small_file(path, out);
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return false;
        }
        it = m_open_files.emplace(path, fd).first;
    }
    char buffer[4096];
    ssize_t n = pread(it->second, buffer, sizeof buffer - 1, 0);
    if (n <= 0) {
        close(it->second);
        m_open_files.erase(it);
        return false;
    }
    out.assign(buffer, std::size_t(n));
    return true;
}

TreeSampler::TreeSampler(pid_t root)
    : m_page_size(sysconf(_SC_PAGESIZE)), m_ticks_per_second(sysconf(_SC_CLK_TCK)), m_root(root) {}

TreeSampler::~TreeSampler() {
    for (const auto& [path, fd] : m_open_files) {
        close(fd);
    }
}

void TreeSampler::exclude_present() {
    if (m_root == 0) {
        // Most runs start with farm childless; one waitid says so (ECHILD) without reading /proc.
        siginfo_t info{};
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD) {
            return;
        }
    }
    // Below a process that existed before, nothing is the run's, so its children need no entry.
    walk_process_tree(m_root, [&](pid_t pid, const ProcStat& stat) {
        m_before[pid] = stat.start_ticks;
        return false;
    });
}

void TreeSampler::count_from(pid_t leader) {
    m_leader = leader;
}

void TreeSampler::learn_run_start() {
    ProcStat stat;
    if (m_leader > 0 && m_run_start_ticks == 0 && read_proc_stat(m_leader, stat)) {
        m_run_start_ticks = stat.start_ticks;
    }
}

bool TreeSampler::older_than_run(pid_t pid, const ProcStat& stat) const {
    if (auto it = m_before.find(pid); it != m_before.end() && it->second == stat.start_ticks) {
        return true;
    }
    return m_run_start_ticks != 0 && stat.start_ticks < m_run_start_ticks;
}

void TreeSampler::sample() {
    learn_run_start();
    ProcReader read = [this](const char* path, std::string& out) {
        return read_proc_file(path, out);
    };
    std::int64_t rss_bytes = 0;
    std::size_t processes = 0;
    walk_process_tree(
        m_root,
        [&](pid_t pid, const ProcStat& stat) {
            if (older_than_run(pid, stat)) {
                return false;
            }
            ++processes;
            rss_bytes += stat.rss_pages * m_page_size;
            ProcessTimes& times = m_seen[pid];
            if (times.start_ticks == stat.start_ticks) {
                times.cpu_ticks = stat.cpu_ticks;
                return true;
            }
            // A new process under a reused pid: the old one's time stays, under a key no pid uses
            // (inserted last: it may move the map's entries).
            ProcessTimes old = times;
            times = ProcessTimes{stat.start_ticks, stat.cpu_ticks};
            if (old.cpu_ticks > 0) {
                m_seen[pid_t(-1 - pid_t(m_seen.size()))] = old;
            }
            return true;
        },
        read);
    ++m_samples;
    m_max_processes = std::max(m_max_processes, processes);
    m_peak_rss_bytes = std::max(m_peak_rss_bytes, rss_bytes);
    m_last_rss_bytes = rss_bytes;
}

double TreeSampler::cpu_seconds() const {
    std::uint64_t ticks = 0;
    for (const auto& [pid, times] : m_seen) {
        ticks += times.cpu_ticks;
    }
    return double(ticks) / double(m_ticks_per_second);
}

} // namespace farm::exec
