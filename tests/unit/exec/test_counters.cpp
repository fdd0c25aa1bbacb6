#include "farm/exec/counters.hpp"

#include <doctest/doctest.h>

#include <linux/perf_event.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

using namespace farm::exec;

extern char** environ;

// The hardware counters are refused on most CI machines (virtual machines without a PMU), so the
// tree arithmetic is tested with the kernel's software clock, which every Linux has: the same
// open/inherit/subtract path, a different event. task-clock counts nanoseconds on a CPU.

namespace {

const std::vector<CounterSpec> software_clock = {
    {"task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"context_switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
};

// Runs `sh -c script` to the end and returns the CPU seconds wait4 charged to it.
double run_shell(const std::string& script) {
    std::vector<std::string> words = {"sh", "-c", script};
    std::vector<char*> argv;
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawnp(&pid, "sh", nullptr, nullptr, argv.data(), environ) == 0);
    int status = 0;
    rusage usage{};
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double value_of(const std::vector<CounterReading>& readings, const std::string& metric) {
    for (const CounterReading& reading : readings) {
        if (reading.metric == metric) {
            return reading.value;
        }
    }
    FAIL("no reading of " << metric);
    return 0;
}

} // namespace

TEST_CASE("exec::TreeCounters counts a child's tree and not farm's own work") {
    TreeCounters counters;
    std::optional<std::string> refused = counters.open(software_clock);
    if (refused) {
        MESSAGE("software perf events refused here (" << *refused << "); nothing to check");
        return;
    }
    counters.start();
    // A grandchild burns the CPU: only inherit reaches it.
    double cpu_s = run_shell("sh -c 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done'");
    // farm's own work while the counters run must not be charged to the tree.
    volatile double sink = 0;
    for (int i = 0; i < 30'000'000; ++i) {
        sink = sink + i * 0.5;
    }
    std::vector<CounterReading> readings = counters.stop();
    REQUIRE(readings.size() == 2);
    double counted_s = value_of(readings, "task_clock_ns") / 1e9;
    INFO("tree task-clock " << counted_s << " s, wait4 CPU " << cpu_s << " s");
    CHECK(cpu_s > 0.05);
    // wait4's CPU is tick-rounded; task-clock is exact. Farm's own loop above (~0.05-0.1 s) would
    // push the figure far past the upper bound if it were not subtracted.
    CHECK(counted_s > cpu_s * 0.7);
    CHECK(counted_s < cpu_s * 1.3 + 0.01);
}

TEST_CASE("exec::TreeCounters starts again from zero for each run") {
    TreeCounters counters;
    if (counters.open(software_clock)) {
        return;
    }
    counters.start();
    run_shell("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done");
    double first = value_of(counters.stop(), "task_clock_ns");
    counters.start();
    run_shell("true");
    double second = value_of(counters.stop(), "task_clock_ns");
    INFO("first " << first << " ns, second " << second << " ns");
    CHECK(second < first / 5);
}

TEST_CASE("exec::TreeCounters says why hardware counters are missing, and holds nothing open") {
    TreeCounters counters;
    std::optional<std::string> refused = counters.open();
    if (refused) {
        CHECK_FALSE(counters.is_open());
        CHECK_FALSE(refused->empty());
        CHECK(counters.stop().empty());
    } else {
        counters.start();
        run_shell("true");
        std::vector<CounterReading> readings = counters.stop();
        REQUIRE(readings.size() == hardware_counters().size());
        CHECK(value_of(readings, "instructions") > 0);
    }
}
