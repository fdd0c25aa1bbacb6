// How many CPUs this process can keep busy at once, for work that sizes its threads by it (the
// AI load's event loops, output hashing).
//
// Guarantees: usable_cpus() is at least 1 and at most the CPUs the process's affinity allows;
// where the process's cgroup or one above it sets a CPU quota (v2: cpu.max; v1: the cpu
// controller's cpu.cfs_quota_us over cpu.cfs_period_us), it is held to that quota rounded up --
// in a container limited to 2 CPUs on a 64-core host, 2, not 64. Nothing here throws; what
// cannot be read counts as no limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace farm::exec {

std::size_t usable_cpus();

// The CPUs a quota allows, given as cgroup v2's `cpu.max` ("QUOTA PERIOD"; v1's two files
// joined the same way): "200000 100000" -> 2.0, "150000 100000" -> 1.5; none for "max 100000"
// or "-1 100000" (no quota) or anything unreadable.
std::optional<double> cpu_quota_of(std::string_view cpu_max);

// The process's cgroup path from /proc/self/cgroup's text: the unified (v2) hierarchy's "0::"
// line when `controller` is empty, else the v1 line whose controller list names it ("cpu" in
// "2:cpu,cpuacct:/docker/abc"); none when there is no such line.
std::optional<std::string> cgroup_path_of(std::string_view proc_self_cgroup,
                                          std::string_view controller);

// Where the v1 cpu controller's hierarchy is mounted, from /proc/self/mountinfo's text: the
// mount point, and the cgroup path the mount shows at its top ("/" on a host; a container's own
// cgroup where the runtime mounts only that).
struct CgroupMount {
    std::string root;
    std::string mount_point;
};
std::optional<CgroupMount> cpu_cgroup_v1_mount_of(std::string_view mountinfo);
// Where a cgroup lies under the mount: its path less the mount's root ("/" for the root itself),
// since a container whose mount shows its own cgroup at the top finds its limits right under the
// mount point, not at mount point + full path.
std::string path_under_mount(std::string_view cgroup, const CgroupMount& mount);

} // namespace farm::exec
