#include "farm/sys/gpu_sampler.hpp"

#include "support/environment.hpp"
#include "support/files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using farm::sys::GpuIntervalSummary;
using farm::sys::GpuReading;
using farm::sys::GpuSample;
using farm::sys::GpuSampler;
using farm::sys::Nvml;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

GpuReading reading(unsigned index, std::optional<double> utilization,
                   std::optional<std::int64_t> used, std::optional<double> power) {
    GpuReading r;
    r.index = index;
    r.name = "GPU " + std::to_string(index);
    r.utilization_pct = utilization;
    r.memory_used_bytes = used;
    r.memory_total_bytes = used ? std::optional<std::int64_t>(1000) : std::nullopt;
    r.temperature_c = 50.0 + index;
    r.power_w = power;
    return r;
}

// Replaces the fake driver's script in one rename, so the sampler never reads half of it.
void write_script(const std::filesystem::path& script, const std::string& text) {
    std::filesystem::path next = script.string() + ".next";
    farm::test::write_file(next, text);
    std::filesystem::rename(next, script);
}

// Waits (up to 10 s) until `done` holds.
template <typename Condition>
bool eventually(Condition done) {
    Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds(2));
    }
    return true;
}

} // namespace

TEST_CASE("sys::summarize_gpu_samples takes the samples of [t0, t1], per device and together") {
    Clock::time_point t = Clock::now();
    std::vector<GpuSample> samples = {
        {t, {reading(0, 100, 900, 300), reading(1, 100, 900, 300)}}, // before the interval
        {t + milliseconds(10), {reading(0, 20, 100, 50), reading(1, 60, 300, 70)}},
        {t + milliseconds(20), {reading(0, 40, 200, std::nullopt), reading(1, 80, 500, 90)}},
        {t + milliseconds(30), {reading(0, std::nullopt, std::nullopt, std::nullopt)}},
        {t + milliseconds(40), {reading(0, 0, 0, 0), reading(1, 0, 0, 0)}}, // after it
    };
    GpuIntervalSummary summary =
        farm::sys::summarize_gpu_samples(samples, t + milliseconds(10), t + milliseconds(30));

    REQUIRE(summary.devices.size() == 2);
    const farm::sys::GpuStats& first = summary.devices[0].stats;
    CHECK(summary.devices[0].index == 0);
    CHECK(summary.devices[0].name == "GPU 0");
    CHECK(first.samples == 3);
    CHECK(first.utilization_mean_pct == doctest::Approx(30));
    CHECK(first.utilization_max_pct == 40);
    CHECK(first.memory_used_mean_bytes == doctest::Approx(150));
    CHECK(first.memory_used_max_bytes == 200);
    CHECK(first.memory_total_bytes == 1000);
    CHECK(first.temperature_max_c == 50);
    CHECK(first.power_mean_w == doctest::Approx(50));

    const farm::sys::GpuStats& second = summary.devices[1].stats;
    CHECK(second.samples == 2);
    CHECK(second.utilization_mean_pct == doctest::Approx(70));
    CHECK(second.memory_used_max_bytes == 500);
    CHECK(second.temperature_max_c == 51);
    CHECK(second.power_mean_w == doctest::Approx(80));

    // Together: utilisation is the mean over devices, memory and power their sums.
    const farm::sys::GpuStats& all = summary.all;
    CHECK(all.samples == 3);
    CHECK(all.utilization_mean_pct == doctest::Approx((40.0 + 60.0) / 2));
    CHECK(all.utilization_max_pct == doctest::Approx(60));
    CHECK(all.memory_used_mean_bytes == doctest::Approx((400.0 + 700.0) / 2));
    CHECK(all.memory_used_max_bytes == 700);
    CHECK(all.memory_total_bytes == 2000);
    CHECK(all.temperature_max_c == 51);
    CHECK(all.power_mean_w == doctest::Approx((120.0 + 90.0) / 2));
}

TEST_CASE("sys::summarize_gpu_samples of an interval without samples has no values") {
    Clock::time_point t = Clock::now();
    std::vector<GpuSample> samples = {{t, {reading(0, 50, 100, 10)}}};
    GpuIntervalSummary summary =
        farm::sys::summarize_gpu_samples(samples, t + milliseconds(1), t + milliseconds(5));
    CHECK(summary.devices.empty());
    CHECK(summary.all.samples == 0);
    CHECK_FALSE(summary.all.utilization_mean_pct.has_value());
    CHECK_FALSE(summary.all.memory_used_mean_bytes.has_value());
    CHECK_FALSE(summary.all.power_mean_w.has_value());
}

TEST_CASE("sys::GpuSampler summarises what the driver reported during each interval") {
    farm::test::ScopedEnvironment environment;
    std::filesystem::path script = farm::test::fresh_folder("gpu_sampler", "intervals") / "script";
    write_script(script, "name=Sampled GPU\nutil=10\nmem_used=1000\nmem_total=8000\n"
                         "temp=40\npower_mw=50000\n");
    environment.set("FAKE_NVML_SCRIPT", script.string());
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());

    GpuSampler sampler(nvml, milliseconds(5));
    Clock::time_point started = Clock::now();
    sampler.start();
    REQUIRE(eventually([&] { return sampler.samples().size() >= 5; }));
    Clock::time_point before_change = Clock::now();
    write_script(script, "util=90\nmem_used=3000\nmem_total=8000\ntemp=70\npower_mw=150000\n");
    Clock::time_point changed = Clock::now();
    REQUIRE(eventually([&] { return sampler.summary(changed, Clock::now()).all.samples >= 5; }));
    Clock::time_point ended = Clock::now();
    sampler.stop();

    // A sample is stamped before it is read, so one stamped after the change read the new values;
    // one stamped well before it read the old ones.
    GpuIntervalSummary low = sampler.summary(started, before_change - milliseconds(1));
    REQUIRE(low.devices.size() == 1);
    CHECK(low.devices[0].name == "Sampled GPU");
    CHECK(low.all.samples >= 1);
    CHECK(low.all.utilization_max_pct == 10);
    CHECK(low.all.memory_used_max_bytes == 1000);

    GpuIntervalSummary high = sampler.summary(changed, ended);
    CHECK(high.all.samples >= 5);
    CHECK(high.all.utilization_mean_pct == doctest::Approx(90));
    CHECK(high.all.memory_used_mean_bytes == doctest::Approx(3000));
    CHECK(high.all.temperature_max_c == 70);
    CHECK(high.all.power_mean_w == doctest::Approx(150));

    GpuIntervalSummary whole = sampler.summary(started, ended);
    CHECK(whole.all.utilization_max_pct == 90);
    CHECK(*whole.all.utilization_mean_pct > 10);
    CHECK(*whole.all.utilization_mean_pct < 90);
    CHECK(whole.all.memory_total_bytes == 8000);

    // Stopped means stopped: no sample is added afterwards.
    std::size_t kept = sampler.samples().size();
    std::this_thread::sleep_for(milliseconds(30));
    CHECK(sampler.samples().size() == kept);
}

TEST_CASE("sys::GpuSampler::stop does not wait for the next tick") {
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());
    GpuSampler sampler(nvml, std::chrono::seconds(30));
    sampler.start();
    REQUIRE(eventually([&] { return sampler.samples().size() == 1; }));
    Clock::time_point asked = Clock::now();
    sampler.stop();
    CHECK(Clock::now() - asked < std::chrono::seconds(2));
    CHECK(sampler.samples().size() == 1);
}

TEST_CASE("sys::GpuSampler keeps at most max_samples, thinning evenly") {
    Nvml nvml = Nvml::open_library(FARM_FAKE_NVML);
    REQUIRE(nvml.available());
    GpuSampler sampler(nvml, milliseconds(1), 8);
    Clock::time_point started = Clock::now();
    sampler.start();
    bool thinned_twice = eventually([&] { return sampler.stride() >= 4; });
    sampler.stop();
    REQUIRE(thinned_twice);
    std::vector<GpuSample> samples = sampler.samples();
    CHECK(samples.size() < 8);
    CHECK(samples.size() >= 4);
    // The first tick is always kept, so the record still covers the whole run.
    CHECK(samples.front().at >= started);
    CHECK(samples.front().at - started < std::chrono::seconds(1));
    for (std::size_t i = 1; i < samples.size(); ++i) {
        CHECK(samples[i].at > samples[i - 1].at);
    }
}

TEST_CASE("sys::GpuSampler without GPU telemetry records nothing") {
    Nvml nvml = Nvml::open_library("/nonexistent/libnvidia-ml.so.1");
    GpuSampler sampler(nvml, milliseconds(1));
    CHECK_FALSE(sampler.available());
    Clock::time_point started = Clock::now();
    sampler.start();
    std::this_thread::sleep_for(milliseconds(10));
    sampler.stop();
    CHECK(sampler.samples().empty());
    GpuIntervalSummary summary = sampler.summary(started, Clock::now());
    CHECK(summary.devices.empty());
    CHECK(summary.all.samples == 0);
}

TEST_CASE("sys::summarize_gpu_samples: energy from the counter, scaled to the interval") {
    Clock::time_point t = Clock::now();
    auto with_energy = [](unsigned index, std::uint64_t millijoules, std::uint64_t reasons) {
        GpuReading r = reading(index, 50, 100, 100);
        r.energy_mj = millijoules;
        r.clock_event_reasons = reasons;
        return r;
    };
    // Two devices; samples at 100, 300 and 500 ms of a 0-600 ms interval. Device 0 uses 200 J
    // per second, device 1 100 J per second.
    std::vector<GpuSample> samples = {
        {t + milliseconds(100), {with_energy(0, 1000000, 0), with_energy(1, 5000000, 0)}},
        {t + milliseconds(300), {with_energy(0, 1040000, 0x4), with_energy(1, 5020000, 0)}},
        {t + milliseconds(500), {with_energy(0, 1080000, 0x1), with_energy(1, 5040000, 0x40)}},
    };
    GpuIntervalSummary summary =
        farm::sys::summarize_gpu_samples(samples, t, t + milliseconds(600));
    REQUIRE(summary.devices.size() == 2);
    // 80 J over the 400 ms between the first and the last sample, scaled to 600 ms: 120 J.
    CHECK(summary.devices[0].stats.energy_j == doctest::Approx(120));
    CHECK(summary.devices[1].stats.energy_j == doctest::Approx(60));
    CHECK(summary.all.energy_j == doctest::Approx(180));
    // Device 0 slowed by its power cap in 1 of 3 samples (idle does not count); together, 2 of 3
    // samples had a device slowed down.
    CHECK(summary.devices[0].stats.throttled_fraction == doctest::Approx(1.0 / 3));
    CHECK(summary.devices[0].stats.throttle_reasons == std::vector<std::string>{"sw_power_cap"});
    CHECK(summary.all.throttled_fraction == doctest::Approx(2.0 / 3));
    CHECK(summary.all.throttle_reasons == std::vector<std::string>{"sw_power_cap", "hw_thermal"});

    // One sample in the interval gives no energy; a counter that went back gives none either.
    GpuIntervalSummary one = farm::sys::summarize_gpu_samples(samples, t, t + milliseconds(200));
    CHECK_FALSE(one.all.energy_j.has_value());
    samples[2].devices[0].energy_mj = 10;
    GpuIntervalSummary reset = farm::sys::summarize_gpu_samples(samples, t, t + milliseconds(600));
    CHECK_FALSE(reset.devices[0].stats.energy_j.has_value());
    CHECK(reset.all.energy_j == doctest::Approx(60));
}
