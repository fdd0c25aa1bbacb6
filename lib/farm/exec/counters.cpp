#include "farm/exec/counters.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace farm::exec {

namespace {

// The layout read() returns for a group opened with these read_format flags.
constexpr std::uint64_t group_read_format =
    PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;

int perf_event_open(perf_event_attr& attr, int group_fd) {
    // pid 0 / cpu -1: this thread, on whichever CPU it runs.
    return int(syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC));
}

std::string paranoid_level() {
    std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
    std::string level;
    in >> level;
    return level.empty() ? "unknown" : level;
}

std::string why_refused(int error) {
    switch (error) {
    case ENOENT:
    case EOPNOTSUPP:
        return "this machine's CPU exposes no hardware performance counters (usual in a virtual "
               "machine without a virtual PMU)";
    case EACCES:
    case EPERM:
        return "the kernel refuses them to this process (perf_event_paranoid is " +
               paranoid_level() +
               "; run as root, lower /proc/sys/kernel/perf_event_paranoid, or allow "
               "perf_event_open in the container's seccomp profile)";
    case ENOSYS:
        return "the kernel was built without perf events";
    case EMFILE:
    case ENFILE:
        return "no file descriptors left";
    default:
        return std::string("perf_event_open failed: ") + std::strerror(error);
    }
}

// Opens one group (the first spec leads it); returns the fds or the errno of the first failure.
int open_group(const std::vector<CounterSpec>& specs, bool inherit, std::vector<int>& fds) {
    for (const CounterSpec& spec : specs) {
        perf_event_attr attr{};
        attr.size = sizeof attr;
        attr.type = spec.type;
        attr.config = spec.config;
        attr.disabled = fds.empty() ? 1 : 0; // the leader switches the whole group
        attr.inherit = inherit ? 1 : 0;
        attr.exclude_hv = 1;
        // A group read is refused for inherited counters; each is read on its own below.
        attr.read_format = inherit
                               ? (PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING)
                               : group_read_format;
        int fd = perf_event_open(attr, fds.empty() ? -1 : fds.front());
        if (fd < 0) {
            return errno;
        }
        fds.push_back(fd);
    }
    return 0;
}

struct Count {
    double value = 0;
    bool scaled = false;
    bool ok = false;
};

Count scaled_count(std::uint64_t value, std::uint64_t enabled, std::uint64_t running) {
    if (running == 0) {
        return {0, false, enabled == 0}; // never scheduled while enabled: nothing to estimate
    }
    if (running < enabled) {
        return {double(value) * double(enabled) / double(running), true, true};
    }
    return {double(value), false, true};
}

Count read_single(int fd) {
    std::uint64_t data[3] = {};
    if (read(fd, data, sizeof data) != ssize_t(sizeof data)) {
        return {};
    }
    return scaled_count(data[0], data[1], data[2]);
}

std::vector<Count> read_group(const std::vector<int>& fds) {
    // nr, time_enabled, time_running, then one value per member.
    std::vector<std::uint64_t> data(3 + fds.size());
    ssize_t want = ssize_t(data.size() * sizeof(std::uint64_t));
    if (fds.empty() || read(fds.front(), data.data(), std::size_t(want)) != want ||
        data[0] != fds.size()) {
        return {};
    }
    std::vector<Count> counts;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        counts.push_back(scaled_count(data[3 + i], data[1], data[2]));
    }
    return counts;
}

void switch_group(const std::vector<int>& fds, unsigned long request) {
    if (!fds.empty()) {
        ioctl(fds.front(), PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
        ioctl(fds.front(), request, PERF_IOC_FLAG_GROUP);
    }
}

} // namespace

const std::vector<CounterSpec>& hardware_counters() {
    static const std::vector<CounterSpec> specs = {
        {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
        {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
        {"branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
        {"cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    };
    return specs;
}

TreeCounters::~TreeCounters() {
    close_all();
}

void TreeCounters::close_all() {
    for (int fd : m_tree) {
        close(fd);
    }
    for (int fd : m_self) {
        close(fd);
    }
    m_tree.clear();
    m_self.clear();
}

std::optional<std::string> TreeCounters::open(const std::vector<CounterSpec>& specs) {
    close_all();
    m_specs = specs;
    int error = open_group(specs, true, m_tree);
    if (error == 0) {
        error = open_group(specs, false, m_self);
    }
    if (error != 0) {
        close_all();
        return why_refused(error);
    }
    return std::nullopt;
}

void TreeCounters::start() {
    // Farm's own set first and the tree's last, so that the tree's set never runs while farm's
    // is off: what farm does between the two calls is subtracted, not added.
    switch_group(m_self, PERF_EVENT_IOC_ENABLE);
    switch_group(m_tree, PERF_EVENT_IOC_ENABLE);
}

std::vector<CounterReading> TreeCounters::stop() {
    if (!is_open()) {
        return {};
    }
    ioctl(m_tree.front(), PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    ioctl(m_self.front(), PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    std::vector<Count> self = read_group(m_self);
    if (self.size() != m_specs.size()) {
        return {};
    }
    std::vector<CounterReading> readings;
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        Count tree = read_single(m_tree[i]);
        if (!tree.ok || !self[i].ok) {
            return {};
        }
        double value = tree.value - self[i].value;
        readings.push_back(
            {m_specs[i].metric, value > 0 ? value : 0, tree.scaled || self[i].scaled});
    }
    return readings;
}

} // namespace farm::exec
