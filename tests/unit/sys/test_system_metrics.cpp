#include "farm/sys/system_metrics.hpp"

#include "farm/core/error.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>

using farm::sys::CpuTimes;

namespace {

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const farm::Error& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("sys::parse_proc_stat and cpu_busy_pct over two recorded reads") {
    CpuTimes before = farm::sys::parse_proc_stat(farm::test::read_fixture("proc", "stat_before"));
    CpuTimes after = farm::sys::parse_proc_stat(farm::test::read_fixture("proc", "stat_after"));
    // cpu  1151493 758 329431 552225 4565 0 2690 0 0 0: busy = user nice system irq softirq steal
    CHECK(before.busy == 1151493 + 758 + 329431 + 0 + 2690 + 0);
    CHECK(before.total == before.busy + 552225 + 4565);
    // The second read has 300 user, 100 system, 550 idle and 50 iowait ticks more: 400 of 1000.
    CHECK(farm::sys::cpu_busy_pct(before, after) == doctest::Approx(40.0));
    CHECK(farm::sys::cpu_busy_pct(before, before) == 0.0);
    CHECK(farm::sys::cpu_busy_pct(after, before) == 0.0);
}

TEST_CASE("sys::parse_proc_stat_cores: one entry per cpuN line, and each core's busy share") {
    // Two reads of a 2-CPU machine's /proc/stat one second apart (tests/fixtures/proc/README.md).
    std::vector<CpuTimes> before =
        farm::sys::parse_proc_stat_cores(farm::test::read_fixture("proc", "stat_cores_before"));
    std::vector<CpuTimes> after =
        farm::sys::parse_proc_stat_cores(farm::test::read_fixture("proc", "stat_cores_after"));
    REQUIRE(before.size() == 2);
    REQUIRE(after.size() == 2);
    // cpu0 2450071 65800 235162 610139 2889 0 301 2111 0 0
    CHECK(before[0].busy == 2450071 + 65800 + 235162 + 0 + 301 + 2111);
    CHECK(before[0].total == before[0].busy + 610139 + 2889);
    // cpu0 gained user +98, system +4, iowait +1: 102 busy of 103 ticks.
    CHECK(farm::sys::cpu_busy_pct(before[0], after[0]) == doctest::Approx(102.0 / 103 * 100));
    // cpu1 gained user +100, system +4 and nothing idle: 100%.
    CHECK(farm::sys::cpu_busy_pct(before[1], after[1]) == doctest::Approx(100.0));
    // The aggregate line is not a core, nor are "cpufreq"-like words.
    CHECK(farm::sys::parse_proc_stat_cores("cpu 1 2 3 4\ncpux 1 2 3 4\nintr 5\n").empty());

    std::string message =
        error_of([] { farm::sys::parse_proc_stat_cores("cpu 1 2 3 4\ncpu0 1 2\n", "/proc/stat"); });
    CHECK(message.rfind("/proc/stat:2: the \"cpu0\" line has 2 values, at least 4 expected", 0) ==
          0);
    message = error_of([] { farm::sys::parse_proc_stat_cores("cpu1 1 x 3 4\n", "/proc/stat"); });
    CHECK(message.rfind("/proc/stat:1: value 2 of the \"cpu1\" line is \"x\"", 0) == 0);
}

TEST_CASE("sys::parse_proc_stat of an old kernel's four values") {
    CpuTimes times = farm::sys::parse_proc_stat("cpu 10 20 30 40\nintr 1\n");
    CHECK(times.busy == 60);
    CHECK(times.total == 100);
}

TEST_CASE("sys::parse_proc_stat of a malformed file names the file and line") {
    std::string path = farm::test::fixture_path("proc", "stat_malformed");
    std::string message = error_of([&] {
        farm::sys::parse_proc_stat(farm::test::read_fixture("proc", "stat_malformed"), path);
    });
    CHECK(message.rfind(path + ":1: value 4 of the \"cpu\" line is \"idle\"", 0) == 0);

    message = error_of([] { farm::sys::parse_proc_stat("intr 1\ncpu 1 2\n", "/proc/stat"); });
    CHECK(message.rfind("/proc/stat:2: the \"cpu\" line has 2 values, at least 4 expected", 0) ==
          0);
    message = error_of([] { farm::sys::parse_proc_stat("cpu0 1 2 3 4\n", "/proc/stat"); });
    CHECK(message.rfind("/proc/stat: no \"cpu\" line", 0) == 0);
}

TEST_CASE("sys::parse_meminfo gives total, available and used bytes") {
    farm::sys::MemoryUsage memory =
        farm::sys::parse_meminfo(farm::test::read_fixture("proc", "meminfo"));
    CHECK(memory.total_bytes == 24683620LL * 1024);
    CHECK(memory.available_bytes == 22812220LL * 1024);
    CHECK(memory.used_bytes == (24683620LL - 22812220LL) * 1024);
}

TEST_CASE("sys::parse_meminfo of a malformed file names the file and line") {
    std::string path = farm::test::fixture_path("proc", "meminfo_malformed");
    std::string message = error_of([&] {
        farm::sys::parse_meminfo(farm::test::read_fixture("proc", "meminfo_malformed"), path);
    });
    CHECK(message.rfind(path + ":3: expected \"MemAvailable: NUMBER kB\", found \"MemAvailable:",
                        0) == 0);
    message = error_of([] { farm::sys::parse_meminfo("MemTotal: 100 kB\nMemFree: 50 kB\n"); });
    CHECK(message.rfind("/proc/meminfo: no MemAvailable line", 0) == 0);
}

TEST_CASE("sys::parse_loadavg and parse_uptime") {
    farm::sys::LoadAverage load =
        farm::sys::parse_loadavg(farm::test::read_fixture("proc", "loadavg"));
    CHECK(load.one == doctest::Approx(10.70));
    CHECK(load.five == doctest::Approx(5.59));
    CHECK(load.fifteen == doctest::Approx(3.37));
    CHECK(farm::sys::parse_uptime(farm::test::read_fixture("proc", "uptime")) ==
          doctest::Approx(10247.85));

    std::string message = error_of([] { farm::sys::parse_loadavg("0.5 high 0.1 1/2 3\n"); });
    CHECK(message.rfind("/proc/loadavg:1: expected three load averages, found \"0.5 high", 0) == 0);
    message = error_of([] { farm::sys::parse_uptime(""); });
    CHECK(message.rfind("/proc/uptime:1: expected seconds since boot", 0) == 0);
}

TEST_CASE("sys::disk_usage of the current folder, and of a missing one") {
    farm::sys::DiskUsage disk = farm::sys::disk_usage(std::filesystem::current_path());
    CHECK(disk.total_bytes > 0);
    CHECK(disk.used_bytes <= disk.total_bytes);
    CHECK(disk.free_bytes <= disk.total_bytes);
    CHECK(disk.used_pct >= 0);
    CHECK(disk.used_pct <= 100);

    std::string message = error_of([] { farm::sys::disk_usage("missing/folder"); });
    CHECK(message.rfind("cannot read the disk usage of missing/folder: No such file", 0) == 0);
}
