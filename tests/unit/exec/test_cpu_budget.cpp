// exec::usable_cpus and the cgroup quota reading (v2 cpu.max, v1 cfs quota) it holds the
// affinity to.
#include "farm/exec/cpu_budget.hpp"

#include <doctest/doctest.h>

#include <sched.h>

#include <optional>
#include <thread>

using namespace farm;

TEST_CASE("exec::cpu_quota_of reads cgroup v2 cpu.max") {
    CHECK(exec::cpu_quota_of("200000 100000") == 2.0);
    CHECK(exec::cpu_quota_of("150000 100000\n") == 1.5);
    CHECK(exec::cpu_quota_of("50000 100000") == 0.5);
    CHECK_FALSE(exec::cpu_quota_of("max 100000")); // no quota
    CHECK_FALSE(exec::cpu_quota_of(""));
    CHECK_FALSE(exec::cpu_quota_of("200000"));
    CHECK_FALSE(exec::cpu_quota_of("0 100000"));
    CHECK_FALSE(exec::cpu_quota_of("200000 0"));
    CHECK_FALSE(exec::cpu_quota_of("-1 100000"));
    CHECK_FALSE(exec::cpu_quota_of("nan 100000"));
}

// /proc/self/cgroup and /proc/self/mountinfo as this project's build machine shows them (cgroup
// v1, each controller mounted on its own, systemd's unified hierarchy beside them; the cpu line
// as it reads inside a child cgroup made for a by-hand check), and in the two container shapes
// reported in moby/moby#34584 (a Kubernetes pod on a v1 host: the mount's root is the
// container's own cgroup, which /proc/self/cgroup also names) and dotnet/coreclr#13895 (cpu and
// cpuacct mounted together, listed as "cpuacct,cpu"), with shorter ids.
constexpr const char* host_v1_cgroup = "9:name=systemd:/\n"
                                       "4:memory:/process_api/c898475a95b7ed998a055aad4fce5457\n"
                                       "2:cpuacct:/\n"
                                       "1:cpu:/farm-check\n"
                                       "0::/\n";
constexpr const char* host_v1_mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n";
constexpr const char* pod_v1_cgroup = "3:memory:/kubepods/besteffort/pod9a18/d28e\n"
                                      "2:cpu:/kubepods/besteffort/pod9a18/d28e\n";
constexpr const char* pod_v1_mountinfo =
    "396 394 0:21 /kubepods/besteffort/pod9a18/d28e /sys/fs/cgroup/cpu "
    "ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu\n";
constexpr const char* docker_v1_cgroup = "4:memory:/system.slice/docker-654d.scope\n"
                                         "3:cpuacct,cpu:/system.slice/docker-654d.scope\n";
constexpr const char* docker_v1_mountinfo =
    "354 347 0:28 /system.slice/docker-654d.scope /sys/fs/cgroup/cpuacct,cpu "
    "ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuacct,cpu\n";

TEST_CASE("exec::cgroup_path_of finds the unified line or a v1 controller's") {
    CHECK(exec::cgroup_path_of(host_v1_cgroup, "cpu") == "/farm-check");
    CHECK(exec::cgroup_path_of(host_v1_cgroup, "") == "/");
    CHECK(exec::cgroup_path_of(pod_v1_cgroup, "cpu") == "/kubepods/besteffort/pod9a18/d28e");
    CHECK(exec::cgroup_path_of(docker_v1_cgroup, "cpu") == "/system.slice/docker-654d.scope");
    CHECK(exec::cgroup_path_of(docker_v1_cgroup, "cpuacct") == "/system.slice/docker-654d.scope");
    CHECK_FALSE(exec::cgroup_path_of(docker_v1_cgroup, ""));     // no unified hierarchy
    CHECK_FALSE(exec::cgroup_path_of(docker_v1_cgroup, "cpus")); // names, not prefixes
    CHECK(exec::cgroup_path_of("0::/user.slice/session-2.scope\n", "") ==
          "/user.slice/session-2.scope");
    CHECK_FALSE(exec::cgroup_path_of("", "cpu"));
    CHECK_FALSE(exec::cgroup_path_of("garbage\n::\n", "cpu"));
}

TEST_CASE("exec::cpu_cgroup_v1_mount_of finds the cpu controller's mount") {
    std::optional<exec::CgroupMount> host = exec::cpu_cgroup_v1_mount_of(host_v1_mountinfo);
    REQUIRE(host);
    CHECK(host->root == "/");
    CHECK(host->mount_point == "/sys/fs/cgroup/cpu"); // not cpuacct, not cpuset
    std::optional<exec::CgroupMount> pod = exec::cpu_cgroup_v1_mount_of(pod_v1_mountinfo);
    REQUIRE(pod);
    CHECK(pod->root == "/kubepods/besteffort/pod9a18/d28e");
    CHECK(pod->mount_point == "/sys/fs/cgroup/cpu");
    std::optional<exec::CgroupMount> docker = exec::cpu_cgroup_v1_mount_of(docker_v1_mountinfo);
    REQUIRE(docker);
    CHECK(docker->root == "/system.slice/docker-654d.scope");
    CHECK(docker->mount_point == "/sys/fs/cgroup/cpuacct,cpu");
    CHECK_FALSE(exec::cpu_cgroup_v1_mount_of(
        "25 1 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n")); // v2 only
    CHECK_FALSE(exec::cpu_cgroup_v1_mount_of(""));
    CHECK_FALSE(exec::cpu_cgroup_v1_mount_of("1 2 3 - cgroup\n- - -\n"));
}

TEST_CASE("exec::path_under_mount takes the mount's root off the cgroup's path") {
    exec::CgroupMount host{"/", "/sys/fs/cgroup/cpu"};
    CHECK(exec::path_under_mount("/farm-check", host) == "/farm-check");
    CHECK(exec::path_under_mount("/", host) == "/");
    exec::CgroupMount pod{"/kubepods/besteffort/pod9a18/d28e", "/sys/fs/cgroup/cpu"};
    CHECK(exec::path_under_mount("/kubepods/besteffort/pod9a18/d28e", pod) == "/");
    CHECK(exec::path_under_mount("/kubepods/besteffort/pod9a18/d28e/child", pod) == "/child");
    CHECK(exec::path_under_mount("/kubepods/besteffort/pod9a18/d28ef", pod) ==
          "/kubepods/besteffort/pod9a18/d28ef"); // a sibling whose name starts alike
}

TEST_CASE("exec::usable_cpus: at least 1, at most what the affinity allows") {
    cpu_set_t set;
    CPU_ZERO(&set);
    REQUIRE(sched_getaffinity(0, sizeof(set), &set) == 0);
    std::size_t cpus = exec::usable_cpus();
    CHECK(cpus >= 1);
    CHECK(cpus <= std::size_t(CPU_COUNT(&set)));
}

TEST_CASE("exec::usable_cpus follows the affinity of the calling process") {
    cpu_set_t before;
    CPU_ZERO(&before);
    REQUIRE(sched_getaffinity(0, sizeof(before), &before) == 0);
    int first = -1;
    for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu) {
        if (CPU_ISSET(cpu, &before)) {
            first = cpu;
        }
    }
    REQUIRE(first >= 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
    std::size_t cpus = exec::usable_cpus();
    sched_setaffinity(0, sizeof(before), &before);
    CHECK(cpus == 1);
}
