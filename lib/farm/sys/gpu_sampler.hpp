// Samples GPU telemetry in the background while something is measured, and summarises any
// interval of it afterwards.
//
// Between start() and stop() a thread reads every device through Nvml every `interval` (200 ms by
// default), stamping each sample with std::chrono::steady_clock, the clock the caller uses to
// time its own work: a request timed from t0 to t1 asks for summary(t0, t1) and gets the samples
// taken in that interval. Memory stays bounded: when `max_samples` samples are kept, every
// second one is dropped and from then on only every second tick is kept, so a long run keeps an
// evenly spaced record of its whole length at half the resolution (repeated as needed).
//
// Thread-safe: summary() and samples() may be called while sampling runs (start() and stop()
// belong to the one thread that owns the sampler). stop() returns within one NVML
// read, whatever the interval. With an Nvml that is not available the sampler records nothing
// and every summary is empty.
#pragma once

#include "farm/sys/nvml.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace farm::sys {

// Statistics over the samples of one interval. A statistic is absent when no sample in the
// interval had that value.
struct GpuStats {
    std::size_t samples = 0;
    std::optional<double> utilization_mean_pct;
    std::optional<double> utilization_max_pct;
    std::optional<double> memory_used_mean_bytes;
    std::optional<std::int64_t> memory_used_max_bytes;
    std::optional<std::int64_t> memory_total_bytes;
    std::optional<double> temperature_max_c;
    std::optional<double> power_mean_w;
    std::optional<std::int64_t> memory_reserved_max_bytes;
    // The energy counter's increase over the interval, in joules: the difference between the
    // first and the last sample inside it, scaled from the samples' span to the whole interval
    // (the edges, at most one sampling interval each, are taken at the power measured between).
    // Absent unless the device has the counter and two samples fall in the interval.
    std::optional<double> energy_j;
    // Of the samples with clock-event reasons, the share in which a slowdown reason was set
    // (power cap, thermal, hardware slowdown; see sys::slows_down), and the reasons seen.
    std::optional<double> throttled_fraction;
    std::vector<std::string> throttle_reasons;
};

struct GpuDeviceStats {
    unsigned index = 0;
    std::string name;
    std::string uuid;
    GpuStats stats;
};

struct GpuIntervalSummary {
    std::vector<GpuDeviceStats> devices;
    // All devices as one: at each sample, utilisation is the mean over the devices, memory and
    // power are the sums over the devices and temperature is the hottest device's; energy is the
    // sum of the devices' energies; a sample is throttled when any device was.
    GpuStats all;
};

// One tick of the sampler: the readings of every device at `at`.
struct GpuSample {
    std::chrono::steady_clock::time_point at;
    std::vector<GpuReading> devices;
};

// The summary of the samples whose time lies in [t0, t1]. Exposed for tests and for callers that
// hold samples of their own.
GpuIntervalSummary summarize_gpu_samples(const std::vector<GpuSample>& samples,
                                         std::chrono::steady_clock::time_point t0,
                                         std::chrono::steady_clock::time_point t1);

class GpuSampler {
  public:
    static constexpr std::chrono::milliseconds default_interval{200};
    static constexpr std::size_t default_max_samples = 100000;

    // `nvml` must outlive the sampler.
    explicit GpuSampler(const Nvml& nvml, std::chrono::milliseconds interval = default_interval,
                        std::size_t max_samples = default_max_samples);
    ~GpuSampler(); // stops
    GpuSampler(const GpuSampler&) = delete;
    GpuSampler& operator=(const GpuSampler&) = delete;

    bool available() const { return m_nvml.available(); }

    // Starts the thread; its first sample is taken at once. Does nothing when already running
    // or when GPU telemetry is not available.
    void start();
    // Wakes and joins the thread. Samples taken so far are kept; start() may follow.
    void stop();

    GpuIntervalSummary summary(std::chrono::steady_clock::time_point t0,
                               std::chrono::steady_clock::time_point t1) const;
    // Every sample kept so far (a copy); their readings leave `name` empty (see Nvml).
    std::vector<GpuSample> samples() const;
    // How many ticks are kept per sample stored: 1, then 2, 4 ... after each thinning.
    std::size_t stride() const;

  private:
    void run();
    void record(GpuSample sample);

    const Nvml& m_nvml;
    std::chrono::milliseconds m_interval;
    std::size_t m_max_samples;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
    std::vector<GpuSample> m_samples;
    std::size_t m_stride = 1;
    std::uint64_t m_ticks = 0;
};

} // namespace farm::sys
