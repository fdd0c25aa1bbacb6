// exec::usable_cpus and the cgroup v2 cpu.max reading it holds the affinity to.
#include "farm/exec/cpu_budget.hpp"

#include <doctest/doctest.h>

#include <sched.h>

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
