#include "farm/sys/nvml.hpp"

#include "farm/core/json_file.hpp"
#include "support/environment.hpp"
#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using farm::sys::GpuReading;
using farm::sys::Nvml;

// The library loaded here is tests/support/fake_nvml.cpp, a shared library with NVML's C ABI
// whose values come from FAKE_NVML_* variables; it is opened with dlopen as the driver's is.

TEST_CASE("sys::Nvml without the driver library is not available and says why") {
    Nvml nvml = Nvml::open_library("/nonexistent/libnvidia-ml.so.1");
    CHECK_FALSE(nvml.available());
    CHECK(nvml.unavailable_reason().rfind("GPU telemetry: not available (", 0) == 0);
    CHECK(nvml.unavailable_reason().find("no NVIDIA driver library") != std::string::npos);
    CHECK(nvml.unavailable_reason().find("/nonexistent/libnvidia-ml.so.1") != std::string::npos);
    CHECK(nvml.device_count() == 0);
    CHECK(nvml.read().empty());
    CHECK(farm::sys::gpu_context_label(nvml) == "not available");
}

TEST_CASE("sys::Nvml::open loads the library FARM_NVML_LIBRARY names") {
    farm::test::ScopedEnvironment environment;
    environment.set("FARM_NVML_LIBRARY", FARM_FAKE_NVML);
    environment.set("FAKE_NVML_NAME", "Scripted GPU");
    Nvml nvml = Nvml::open();
    REQUIRE(nvml.available());
    CHECK(nvml.unavailable_reason().empty());
    CHECK(nvml.device_names() == std::vector<std::string>{"Scripted GPU"});

    environment.set("FARM_NVML_LIBRARY", "/nonexistent/libfake.so");
    Nvml missing = Nvml::open();
    CHECK_FALSE(missing.available());
    CHECK(missing.unavailable_reason().find("/nonexistent/libfake.so") != std::string::npos);
}

TEST_CASE("sys::Nvml whose nvmlInit fails is not available, with NVML's reason") {
    farm::test::ScopedEnvironment environment;
    std::filesystem::path calls = farm::test::fresh_folder("nvml", "init_fails") / "calls";
    environment.set("FAKE_NVML_FAIL_INIT", "1");
    environment.set("FAKE_NVML_CALLS", calls.string());
    {
        Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
        CHECK_FALSE(nvml.available());
        CHECK(nvml.unavailable_reason() ==
              "GPU telemetry: not available (nvmlInit failed: Driver Not Loaded (NVML error 9))");
        CHECK(nvml.read().empty());
    }
    // No nvmlShutdown for an NVML that never started.
    CHECK(farm::core::read_text_file(calls) == "init\n");
}

TEST_CASE("sys::Nvml lacking one function is not available and names it") {
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML_WITHOUT_POWER);
    CHECK_FALSE(nvml.available());
    CHECK(nvml.unavailable_reason().find("lacks nvmlDeviceGetPowerUsage;") != std::string::npos);
    CHECK(nvml.read().empty());
}

TEST_CASE("sys::Nvml with no device is not available") {
    farm::test::ScopedEnvironment environment;
    std::filesystem::path calls = farm::test::fresh_folder("nvml", "no_device") / "calls";
    environment.set("FAKE_NVML_COUNT", "0");
    environment.set("FAKE_NVML_CALLS", calls.string());
    {
        Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
        CHECK_FALSE(nvml.available());
        CHECK(nvml.unavailable_reason().find("found no usable GPU") != std::string::npos);
    }
    CHECK(farm::core::read_text_file(calls) == "init\nshutdown\n");
}

TEST_CASE("sys::Nvml::read gives the driver's values for every device") {
    farm::test::ScopedEnvironment environment;
    std::filesystem::path calls = farm::test::fresh_folder("nvml", "read") / "calls";
    environment.set("FAKE_NVML_CALLS", calls.string());
    environment.set("FAKE_NVML_COUNT", "2");
    environment.set("FAKE_NVML_NAME", "NVIDIA Test 24GB");
    environment.set("FAKE_NVML_UTIL", "37");
    environment.set("FAKE_NVML_UTIL_1", "80");
    environment.set("FAKE_NVML_MEM_USED", "1073741824");
    environment.set("FAKE_NVML_MEM_TOTAL", "25769803776");
    environment.set("FAKE_NVML_TEMP", "61");
    environment.set("FAKE_NVML_POWER_MW", "123456");
    {
        Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
        REQUIRE(nvml.available());
        CHECK(nvml.device_count() == 2);
        CHECK(nvml.device_indices() == std::vector<unsigned>{0, 1});
        CHECK(farm::sys::gpu_context_label(nvml) == "2 x NVIDIA Test 24GB");

        std::vector<GpuReading> readings = nvml.read();
        REQUIRE(readings.size() == 2);
        CHECK(readings[0].index == 0);
        CHECK(readings[0].name == "NVIDIA Test 24GB");
        CHECK(readings[0].utilization_pct == 37.0);
        CHECK(readings[0].memory_used_bytes == 1073741824);
        CHECK(readings[0].memory_total_bytes == 25769803776);
        CHECK(readings[0].temperature_c == 61.0);
        CHECK(readings[0].power_w == doctest::Approx(123.456));
        CHECK(readings[1].index == 1);
        CHECK(readings[1].utilization_pct == 80.0);

        // The values are read at every call, not once.
        environment.set("FAKE_NVML_UTIL", "5");
        CHECK(nvml.read()[0].utilization_pct == 5.0);
    }
    CHECK(farm::core::read_text_file(calls) == "init\nshutdown\n");
}

TEST_CASE("sys::Nvml::read leaves out what the driver refuses, rather than reading 0") {
    farm::test::ScopedEnvironment environment;
    environment.set("FAKE_NVML_COUNT", "2");
    environment.set("FAKE_NVML_NAME_1", "Other GPU");
    environment.set("FAKE_NVML_UTIL", "50");
    environment.set("FAKE_NVML_REFUSE_1", "power,temp,memory");
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());
    CHECK(farm::sys::gpu_context_label(nvml) == "Fake GPU 0, Other GPU");
    std::vector<GpuReading> readings = nvml.read();
    REQUIRE(readings.size() == 2);
    CHECK(readings[0].power_w.has_value());
    CHECK(readings[0].temperature_c.has_value());
    CHECK(readings[1].utilization_pct == 50.0);
    CHECK_FALSE(readings[1].power_w.has_value());
    CHECK_FALSE(readings[1].temperature_c.has_value());
    CHECK_FALSE(readings[1].memory_used_bytes.has_value());
    CHECK_FALSE(readings[1].memory_total_bytes.has_value());
}

TEST_CASE("sys::Nvml moved keeps one owner of the library") {
    farm::test::ScopedEnvironment environment;
    std::filesystem::path calls = farm::test::fresh_folder("nvml", "moved") / "calls";
    environment.set("FAKE_NVML_CALLS", calls.string());
    {
        Nvml first = Nvml::open_library(FARM_FAKE_NVML);
        Nvml second = std::move(first);
        CHECK(second.available());
        CHECK(second.read().size() == 1);
    }
    CHECK(farm::core::read_text_file(calls) == "init\nshutdown\n");
}

TEST_CASE("sys::Nvml reads UUIDs, the v2 memory figures, the energy counter and clock reasons") {
    farm::test::ScopedEnvironment environment;
    environment.set("FAKE_NVML_COUNT", "2");
    environment.set("FAKE_NVML_UUID_1", "GPU-8f3c2a61-1111-2222-3333-444455556666");
    environment.set("FAKE_NVML_MEM_USED", "3000");
    environment.set("FAKE_NVML_MEM_RESERVED", "500");
    environment.set("FAKE_NVML_ENERGY_MJ", "7000000");
    environment.set("FAKE_NVML_REASONS", "36"); // 0x4 sw_power_cap + 0x20 sw_thermal
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());
    CHECK(nvml.device_uuids() ==
          std::vector<std::string>{"GPU-00000000-0000-0000-0000-000000000000",
                                   "GPU-8f3c2a61-1111-2222-3333-444455556666"});
    std::vector<GpuReading> readings = nvml.read();
    REQUIRE(readings.size() == 2);
    // The v2 call answered only because farm sent the version word the driver checks.
    CHECK(readings[0].memory_reserved_bytes == 500);
    CHECK(readings[0].memory_used_bytes == 3000);
    CHECK(readings[0].energy_mj >= 7000000);
    CHECK(readings[0].clock_event_reasons == 36);
    CHECK(farm::sys::throttle_reason_names(36) ==
          std::vector<std::string>{"sw_power_cap", "sw_thermal"});
    CHECK_FALSE(farm::sys::slows_down(0x1 | 0x2 | 0x100)); // idle, app clocks, display

    // Refused v2 memory falls back to the first memory call; refused counters are absent.
    environment.set("FAKE_NVML_REFUSE_1", "memory_v2,energy,reasons");
    readings = nvml.read();
    CHECK(readings[1].memory_used_bytes == 3000);
    CHECK_FALSE(readings[1].memory_reserved_bytes.has_value());
    CHECK_FALSE(readings[1].energy_mj.has_value());
    CHECK_FALSE(readings[1].clock_event_reasons.has_value());
}

TEST_CASE("sys::Nvml::keep_only reads and names only the chosen devices") {
    farm::test::ScopedEnvironment environment;
    environment.set("FAKE_NVML_COUNT", "3");
    environment.set("FAKE_NVML_NAME_2", "Third GPU");
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());
    nvml.keep_only({2});
    CHECK(nvml.device_indices() == std::vector<unsigned>{2});
    CHECK(farm::sys::gpu_context_label(nvml) == "Third GPU");
    std::vector<GpuReading> readings = nvml.read();
    REQUIRE(readings.size() == 1);
    CHECK(readings[0].index == 2);
}
