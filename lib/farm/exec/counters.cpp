#include "farm/exec/counters.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <linux/perf_event.h>
#include <optional>
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
int open_group(const std::vector<CounterSpec>& specs, bool inherit, bool user_only,
               std::vector<int>& fds) {
    for (const CounterSpec& spec : specs) {
        perf_event_attr attr{};
        attr.size = sizeof attr;
        attr.type = spec.type;
        attr.config = spec.config;
        attr.disabled = fds.empty() ? 1 : 0; // the leader switches the whole group
        attr.inherit = inherit ? 1 : 0;
        attr.exclude_hv = 1;
        attr.exclude_kernel = user_only ? 1 : 0;
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

std::optional<RawCount> read_single(int fd) {
    std::uint64_t data[3] = {};
    if (read(fd, data, sizeof data) != ssize_t(sizeof data)) {
        return std::nullopt;
    }
    return RawCount{data[0], data[1], data[2]};
}

std::vector<RawCount> read_group(const std::vector<int>& fds) {
    // nr, time_enabled, time_running, then one value per member.
    std::vector<std::uint64_t> data(3 + fds.size());
    ssize_t want = ssize_t(data.size() * sizeof(std::uint64_t));
    if (fds.empty() || read(fds.front(), data.data(), std::size_t(want)) != want ||
        data[0] != fds.size()) {
        return {};
    }
    std::vector<RawCount> counts;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        counts.push_back({data[3 + i], data[1], data[2]});
    }
    return counts;
}

// Every counter of both sets, tree first; empty when one could not be read.
std::vector<RawCount> read_all(const std::vector<int>& tree, const std::vector<int>& self) {
    std::vector<RawCount> counts;
    for (int fd : tree) {
        std::optional<RawCount> count = read_single(fd);
        if (!count) {
            return {};
        }
        counts.push_back(*count);
    }
    std::vector<RawCount> own = read_group(self);
    if (own.size() != self.size()) {
        return {};
    }
    counts.insert(counts.end(), own.begin(), own.end());
    return counts;
}

// The count between two readings, scaled up when the kernel multiplexed the counter (perf
// stat's estimate); nullopt when it was enabled but never scheduled.
std::optional<double> count_between(const RawCount& from, const RawCount& to, bool& was_scaled) {
    std::uint64_t value = to.value - from.value;
    std::uint64_t enabled = to.enabled - from.enabled;
    std::uint64_t running = to.running - from.running;
    if (running == 0) {
        return enabled == 0 ? std::optional<double>(0) : std::nullopt;
    }
    if (running < enabled) {
        was_scaled = true;
        return double(value) * double(enabled) / double(running);
    }
    return double(value);
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
    m_at_start.clear();
    m_started = false;
}

std::optional<std::string> TreeCounters::open(const std::vector<CounterSpec>& specs) {
    close_all();
    m_specs = specs;
    // perf_event_paranoid 2 (the kernel's default) lets an ordinary user count user space only:
    // that is tried second, and the result says which it was.
    int error = 0;
    for (bool user_only : {false, true}) {
        close_all();
        error = open_group(specs, true, user_only, m_tree);
        if (error == 0) {
            error = open_group(specs, false, user_only, m_self);
        }
        if (error == 0) {
            m_user_space_only = user_only;
            return std::nullopt;
        }
        if (error != EACCES && error != EPERM) {
            break;
        }
    }
    close_all();
    return why_refused(error);
}

void TreeCounters::start() {
    if (!is_open()) {
        return;
    }
    // Counting starts once, at the first run, and never stops: a run is the difference of two
    // readings. PERF_EVENT_IOC_RESET cannot serve: it clears a counter's own count but not what
    // exited children folded into it, so the second run would include the first.
    if (!m_started) {
        ioctl(m_self.front(), PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
        ioctl(m_tree.front(), PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
        m_started = true;
    }
    m_at_start = read_all(m_tree, m_self);
}

std::vector<CounterReading> TreeCounters::stop() {
    if (!is_open() || m_at_start.empty()) {
        return {};
    }
    std::vector<RawCount> at_stop = read_all(m_tree, m_self);
    std::vector<RawCount> at_start = std::move(m_at_start);
    m_at_start.clear();
    if (at_stop.size() != at_start.size()) {
        return {};
    }
    std::size_t n = m_specs.size();
    std::vector<CounterReading> readings;
    for (std::size_t i = 0; i < n; ++i) {
        bool was_scaled = false;
        std::optional<double> tree = count_between(at_start[i], at_stop[i], was_scaled);
        std::optional<double> self = count_between(at_start[n + i], at_stop[n + i], was_scaled);
        if (!tree || !self) {
            return {};
        }
        double value = *tree - *self;
        readings.push_back({m_specs[i].metric, value > 0 ? value : 0, was_scaled});
    }
    return readings;
}

} // namespace farm::exec
