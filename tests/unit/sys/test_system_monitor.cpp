#include "farm/sys/system_monitor.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

TEST_CASE("sys::snapshot_system of this machine is sane") {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    farm::sys::SystemSnapshot snapshot =
        farm::sys::snapshot_system(std::filesystem::current_path(), std::chrono::milliseconds(50));
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(50));
    CHECK(snapshot.cpu_interval >= std::chrono::milliseconds(50));
    CHECK(snapshot.cpu_busy_pct >= 0);
    CHECK(snapshot.cpu_busy_pct <= 100);
    CHECK(snapshot.memory.total_bytes > 0);
    CHECK(snapshot.memory.used_bytes >= 0);
    CHECK(snapshot.memory.used_bytes <= snapshot.memory.total_bytes);
    CHECK(snapshot.disk.used_bytes <= snapshot.disk.total_bytes);
    CHECK(snapshot.load.one >= 0);
    CHECK(snapshot.cores >= 1);
    CHECK(snapshot.uptime_s > 0);
    // One busy share per online core (no core went offline in 50 ms on a test machine).
    CHECK(snapshot.core_busy_pct.size() == std::size_t(snapshot.cores));
    for (double pct : snapshot.core_busy_pct) {
        CHECK(pct >= 0);
        CHECK(pct <= 100);
    }
    if (snapshot.disk_io.known) {
        CHECK(snapshot.disk_io.read_bytes_per_s >= 0);
        CHECK(snapshot.disk_io.write_bytes_per_s >= 0);
        CHECK_FALSE(snapshot.disk_io.device.empty());
    }
}

TEST_CASE("sys::SystemMonitor: only the first sample waits; later ones cover the time between") {
    farm::sys::SystemMonitor monitor(std::filesystem::current_path(),
                                     std::chrono::milliseconds(30));
    farm::sys::SystemSnapshot first = monitor.sample();
    CHECK(first.cpu_interval >= std::chrono::milliseconds(30));
    std::chrono::steady_clock::time_point between = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - between < std::chrono::milliseconds(60)) {
    }
    farm::sys::SystemSnapshot second = monitor.sample();
    // The interval is the time since the first sample's read, at least the 60 ms spun here.
    CHECK(second.cpu_interval >= std::chrono::milliseconds(60));
    CHECK(second.core_busy_pct.size() == std::size_t(second.cores));
}
