#include "farm/exec/cpu_budget.hpp"

#include "farm/core/text.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace farm::exec {

namespace {

std::size_t affinity_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return std::max(1u, std::thread::hardware_concurrency());
    }
    return std::size_t(std::max(1, CPU_COUNT(&set)));
}

// The process's cgroup v2 path ("/user.slice/..."), from the "0::" line of /proc/self/cgroup.
std::optional<std::string> own_cgroup() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("0::", 0) == 0) {
            return line.substr(3);
        }
    }
    return std::nullopt;
}

// The smallest quota set on the cgroup or an ancestor: a child cannot use more than its parent.
std::optional<double> cgroup_quota() {
    std::optional<std::string> cgroup = own_cgroup();
    if (!cgroup) {
        return std::nullopt;
    }
    std::optional<double> smallest;
    std::string path = *cgroup;
    for (int depth = 0; depth < 64; ++depth) {
        std::ifstream in("/sys/fs/cgroup" + (path == "/" ? std::string() : path) + "/cpu.max");
        std::string text;
        if (in && std::getline(in, text)) {
            std::optional<double> quota = cpu_quota_of(text);
            if (quota && (!smallest || *quota < *smallest)) {
                smallest = quota;
            }
        }
        std::size_t slash = path.find_last_of('/');
        if (path.empty() || path == "/" || slash == std::string::npos) {
            break;
        }
        path = slash == 0 ? "/" : path.substr(0, slash);
    }
    return smallest;
}

} // namespace

std::optional<double> cpu_quota_of(std::string_view cpu_max) {
    std::istringstream words{std::string(cpu_max)};
    std::string quota_text;
    std::string period_text;
    if (!(words >> quota_text >> period_text)) {
        return std::nullopt;
    }
    std::optional<double> quota = core::finite_number(quota_text);
    std::optional<double> period = core::finite_number(period_text);
    if (!quota || !period || *quota <= 0 || *period <= 0) {
        return std::nullopt; // "max": no quota
    }
    return *quota / *period;
}

std::size_t usable_cpus() {
    std::size_t cpus = affinity_cpus();
    if (std::optional<double> quota = cgroup_quota()) {
        cpus = std::min(cpus, std::max<std::size_t>(1, std::size_t(std::ceil(*quota))));
    }
    return cpus;
}

} // namespace farm::exec
