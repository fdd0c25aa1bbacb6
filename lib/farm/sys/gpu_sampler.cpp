#include "farm/sys/gpu_sampler.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace farm::sys {

namespace {

// Running sums of one GpuStats; mean values are only known once every sample is in.
struct Accumulator {
    std::size_t samples = 0;
    double utilization_sum = 0;
    std::size_t utilization_count = 0;
    double memory_used_sum = 0;
    std::size_t memory_used_count = 0;
    double power_sum = 0;
    std::size_t power_count = 0;
    std::optional<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> first_energy;
    std::optional<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> last_energy;
    std::size_t reasons_count = 0;
    std::size_t throttled_count = 0;
    std::uint64_t reasons_seen = 0;
    GpuStats stats;

    void add(const GpuReading& reading, std::chrono::steady_clock::time_point at) {
        ++samples;
        add_counters(reading, at);
        if (reading.utilization_pct) {
            utilization_sum += *reading.utilization_pct;
            ++utilization_count;
            stats.utilization_max_pct =
                std::max(stats.utilization_max_pct.value_or(*reading.utilization_pct),
                         *reading.utilization_pct);
        }
        if (reading.memory_used_bytes) {
            memory_used_sum += static_cast<double>(*reading.memory_used_bytes);
            ++memory_used_count;
            stats.memory_used_max_bytes =
                std::max(stats.memory_used_max_bytes.value_or(*reading.memory_used_bytes),
                         *reading.memory_used_bytes);
        }
        if (reading.memory_total_bytes) {
            stats.memory_total_bytes =
                std::max(stats.memory_total_bytes.value_or(*reading.memory_total_bytes),
                         *reading.memory_total_bytes);
        }
        if (reading.temperature_c) {
            stats.temperature_max_c = std::max(
                stats.temperature_max_c.value_or(*reading.temperature_c), *reading.temperature_c);
        }
        if (reading.power_w) {
            power_sum += *reading.power_w;
            ++power_count;
        }
        if (reading.memory_reserved_bytes) {
            stats.memory_reserved_max_bytes =
                std::max(stats.memory_reserved_max_bytes.value_or(*reading.memory_reserved_bytes),
                         *reading.memory_reserved_bytes);
        }
    }

    void add_counters(const GpuReading& reading, std::chrono::steady_clock::time_point at) {
        if (reading.energy_mj) {
            if (!first_energy) {
                first_energy = {at, *reading.energy_mj};
            }
            last_energy = {at, *reading.energy_mj};
        }
        if (reading.clock_event_reasons) {
            ++reasons_count;
            if (slows_down(*reading.clock_event_reasons)) {
                ++throttled_count;
                reasons_seen |= *reading.clock_event_reasons;
            }
        }
    }

    // See GpuStats::energy_j. A counter that went backwards (a driver reload) gives no figure.
    std::optional<double> energy_j(std::chrono::steady_clock::time_point t0,
                                   std::chrono::steady_clock::time_point t1) const {
        if (!first_energy || last_energy->first <= first_energy->first ||
            last_energy->second < first_energy->second) {
            return std::nullopt;
        }
        double joules = double(last_energy->second - first_energy->second) / 1000.0;
        double span =
            std::chrono::duration<double>(last_energy->first - first_energy->first).count();
        double interval = std::chrono::duration<double>(t1 - t0).count();
        return joules * std::max(interval, span) / span;
    }

    GpuStats finish(std::chrono::steady_clock::time_point t0,
                    std::chrono::steady_clock::time_point t1) const {
        GpuStats result = stats;
        result.samples = samples;
        if (utilization_count > 0) {
            result.utilization_mean_pct = utilization_sum / static_cast<double>(utilization_count);
        }
        if (memory_used_count > 0) {
            result.memory_used_mean_bytes =
                memory_used_sum / static_cast<double>(memory_used_count);
        }
        if (power_count > 0) {
            result.power_mean_w = power_sum / static_cast<double>(power_count);
        }
        result.energy_j = energy_j(t0, t1);
        if (reasons_count > 0) {
            result.throttled_fraction =
                static_cast<double>(throttled_count) / static_cast<double>(reasons_count);
            result.throttle_reasons = throttle_reason_names(reasons_seen);
        }
        return result;
    }
};

// All devices of one sample as one reading (see GpuIntervalSummary::all).
GpuReading combine(const std::vector<GpuReading>& devices) {
    GpuReading all;
    double utilization_sum = 0;
    std::size_t utilization_count = 0;
    for (const GpuReading& device : devices) {
        if (device.utilization_pct) {
            utilization_sum += *device.utilization_pct;
            ++utilization_count;
        }
        if (device.memory_used_bytes) {
            all.memory_used_bytes = all.memory_used_bytes.value_or(0) + *device.memory_used_bytes;
        }
        if (device.memory_total_bytes) {
            all.memory_total_bytes =
                all.memory_total_bytes.value_or(0) + *device.memory_total_bytes;
        }
        if (device.temperature_c) {
            all.temperature_c =
                std::max(all.temperature_c.value_or(*device.temperature_c), *device.temperature_c);
        }
        if (device.power_w) {
            all.power_w = all.power_w.value_or(0) + *device.power_w;
        }
        if (device.memory_reserved_bytes) {
            all.memory_reserved_bytes =
                all.memory_reserved_bytes.value_or(0) + *device.memory_reserved_bytes;
        }
        if (device.clock_event_reasons) {
            all.clock_event_reasons =
                all.clock_event_reasons.value_or(0) | *device.clock_event_reasons;
        }
    }
    if (utilization_count > 0) {
        all.utilization_pct = utilization_sum / static_cast<double>(utilization_count);
    }
    return all;
}

} // namespace

GpuIntervalSummary summarize_gpu_samples(const std::vector<GpuSample>& samples,
                                         std::chrono::steady_clock::time_point t0,
                                         std::chrono::steady_clock::time_point t1) {
    std::map<unsigned, Accumulator> per_device;
    std::map<unsigned, std::string> names;
    Accumulator all;
    for (const GpuSample& sample : samples) {
        if (sample.at < t0 || sample.at > t1 || sample.devices.empty()) {
            continue;
        }
        for (const GpuReading& device : sample.devices) {
            per_device[device.index].add(device, sample.at);
            if (!device.name.empty()) {
                names[device.index] = device.name;
            }
        }
        all.add(combine(sample.devices), sample.at);
    }
    GpuIntervalSummary summary;
    summary.all = all.finish(t0, t1);
    for (const std::pair<const unsigned, Accumulator>& entry : per_device) {
        GpuStats stats = entry.second.finish(t0, t1);
        if (stats.energy_j) {
            summary.all.energy_j = summary.all.energy_j.value_or(0) + *stats.energy_j;
        }
        summary.devices.push_back({entry.first, names[entry.first], "", stats});
    }
    return summary;
}

GpuSampler::GpuSampler(const Nvml& nvml, std::chrono::milliseconds interval,
                       std::size_t max_samples)
    : m_nvml(nvml), m_interval(std::max(interval, std::chrono::milliseconds(1))),
      m_max_samples(std::max<std::size_t>(max_samples, 2)) {}

GpuSampler::~GpuSampler() {
    stop();
}

void GpuSampler::start() {
    if (!m_nvml.available() || m_thread.joinable()) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this] { run(); });
}

void GpuSampler::stop() {
    if (!m_thread.joinable()) {
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void GpuSampler::run() {
    std::chrono::steady_clock::time_point next = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        GpuSample sample{std::chrono::steady_clock::now(), m_nvml.read()};
        lock.lock();
        record(std::move(sample));
        // Ticks keep to a fixed grid, so a slow NVML read does not stretch the interval; ticks
        // missed behind a very slow read are skipped rather than taken in a burst.
        next += m_interval;
        std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
        if (next <= now) {
            next = now + m_interval;
        }
        m_wake.wait_until(lock, next, [this] { return m_stopping; });
    }
}

void GpuSampler::record(GpuSample sample) {
    if (m_ticks++ % m_stride != 0) {
        return;
    }
    // Names are the Nvml's; keeping them once per sample would double the memory per sample.
    for (GpuReading& device : sample.devices) {
        device.name.clear();
    }
    m_samples.push_back(std::move(sample));
    if (m_samples.size() >= m_max_samples) {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_samples.size(); i += 2) {
            m_samples[kept++] = std::move(m_samples[i]);
        }
        m_samples.resize(kept);
        m_stride *= 2;
    }
}

GpuIntervalSummary GpuSampler::summary(std::chrono::steady_clock::time_point t0,
                                       std::chrono::steady_clock::time_point t1) const {
    GpuIntervalSummary summary;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        summary = summarize_gpu_samples(m_samples, t0, t1);
    }
    const std::vector<std::string>& names = m_nvml.device_names();
    for (GpuDeviceStats& device : summary.devices) {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (m_nvml.device_indices()[i] == device.index) {
                device.name = names[i];
                device.uuid = m_nvml.device_uuids()[i];
            }
        }
    }
    return summary;
}

std::vector<GpuSample> GpuSampler::samples() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_samples;
}

std::size_t GpuSampler::stride() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_stride;
}

} // namespace farm::sys
