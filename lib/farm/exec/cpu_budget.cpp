#include "farm/exec/cpu_budget.hpp"

#include "farm/core/text.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

// The whole file; empty when it cannot be read (no limit is then seen).
std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

// The smallest quota on `path` (a cgroup path, "/" at the top) or an ancestor: a child cannot
// use more than its parent.
std::optional<double>
smallest_quota_up_from(std::string path,
                       const std::function<std::optional<double>(const std::string&)>& quota_at) {
    std::optional<double> smallest;
    for (int depth = 0; depth < 64; ++depth) {
        std::optional<double> quota = quota_at(path == "/" ? std::string() : path);
        if (quota && (!smallest || *quota < *smallest)) {
            smallest = quota;
        }
        std::size_t slash = path.find_last_of('/');
        if (path.empty() || path == "/" || slash == std::string::npos) {
            break;
        }
        path = slash == 0 ? "/" : path.substr(0, slash);
    }
    return smallest;
}

// cgroup v2: cpu.max under the unified hierarchy.
std::optional<double> cgroup_v2_quota(const std::string& proc_self_cgroup) {
    std::optional<std::string> cgroup = cgroup_path_of(proc_self_cgroup, "");
    if (!cgroup) {
        return std::nullopt;
    }
    return smallest_quota_up_from(*cgroup, [](const std::string& path) {
        return cpu_quota_of(read_text("/sys/fs/cgroup" + path + "/cpu.max"));
    });
}

// cgroup v1: cpu.cfs_quota_us over cpu.cfs_period_us in the cpu controller's hierarchy.
std::optional<double> cgroup_v1_quota(const std::string& proc_self_cgroup) {
    std::optional<std::string> cgroup = cgroup_path_of(proc_self_cgroup, "cpu");
    std::optional<CgroupMount> mount = cpu_cgroup_v1_mount_of(read_text("/proc/self/mountinfo"));
    if (!cgroup || !mount) {
        return std::nullopt;
    }
    return smallest_quota_up_from(
        path_under_mount(*cgroup, *mount), [&mount](const std::string& at) {
            std::string folder = mount->mount_point + at;
            return cpu_quota_of(read_text(folder + "/cpu.cfs_quota_us") + " " +
                                read_text(folder + "/cpu.cfs_period_us"));
        });
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
        return std::nullopt; // "max" (v2) or -1 (v1): no quota
    }
    return *quota / *period;
}

std::optional<std::string> cgroup_path_of(std::string_view proc_self_cgroup,
                                          std::string_view controller) {
    for (const std::string& line : split(proc_self_cgroup, '\n')) {
        std::size_t first = line.find(':');
        std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) {
            continue;
        }
        std::string controllers = line.substr(first + 1, second - first - 1);
        bool unified = controller.empty() && line.rfind("0::", 0) == 0;
        std::vector<std::string> names = split(controllers, ',');
        bool named =
            !controller.empty() && std::find(names.begin(), names.end(), controller) != names.end();
        if (unified || named) {
            return line.substr(second + 1);
        }
    }
    return std::nullopt;
}

std::string path_under_mount(std::string_view cgroup, const CgroupMount& mount) {
    bool below_root = mount.root != "/" && cgroup.substr(0, mount.root.size()) == mount.root &&
                      (cgroup.size() == mount.root.size() || cgroup[mount.root.size()] == '/');
    if (!below_root) {
        return std::string(cgroup);
    }
    std::string_view rest = cgroup.substr(mount.root.size());
    return rest.empty() ? "/" : std::string(rest);
}

std::optional<CgroupMount> cpu_cgroup_v1_mount_of(std::string_view mountinfo) {
    for (const std::string& line : split(mountinfo, '\n')) {
        // "ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS"
        std::vector<std::string> fields = split(line, ' ');
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4 ||
            dash[1] != "cgroup") {
            continue;
        }
        std::vector<std::string> options = split(dash[3], ',');
        if (std::find(options.begin(), options.end(), "cpu") != options.end()) {
            return CgroupMount{fields[3], fields[4]};
        }
    }
    return std::nullopt;
}

std::size_t usable_cpus() {
    std::size_t cpus = affinity_cpus();
    std::string proc_self_cgroup = read_text("/proc/self/cgroup");
    std::optional<double> quota = cgroup_v2_quota(proc_self_cgroup);
    if (!quota) {
        quota = cgroup_v1_quota(proc_self_cgroup);
    }
    if (quota) {
        cpus = std::min(cpus, std::max<std::size_t>(1, std::size_t(std::ceil(*quota))));
    }
    return cpus;
}

} // namespace farm::exec
