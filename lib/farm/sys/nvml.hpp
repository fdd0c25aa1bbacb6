// NVIDIA GPU telemetry through NVML, loaded at run time rather than linked.
//
// farm must run on machines without an NVIDIA driver, so libnvidia-ml is opened with dlopen
// (the library named by FARM_NVML_LIBRARY, else libnvidia-ml.so.1, else libnvidia-ml.so) and only
// the functions used here are looked up, with NVML's few types declared in nvml.cpp: ten that
// every driver since 325 has, and four newer ones (UUID, the energy counter, the clock-event
// reasons, the v2 memory figures) used where the driver has them. Nothing
// here throws or crashes when the GPU cannot be read: a missing library, a missing function or a
// failing nvmlInit makes an Nvml that is not available and says why. A value that NVML refuses
// for one device (a GPU that reports no power, a lost GPU) is absent from that reading, never 0.
//
// NVML is thread-safe, and an Nvml does not change after construction, so read() may be called
// from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace farm::sys {

// One device at one instant.
struct GpuReading {
    unsigned index = 0; // NVML's device index
    std::string name;   // "NVIDIA H100 80GB HBM3"
    // Percent of the past sample period (1/6 s to 1 s, by product) during which a kernel ran.
    std::optional<double> utilization_pct;
    std::optional<std::int64_t> memory_used_bytes;
    std::optional<std::int64_t> memory_total_bytes;
    std::optional<double> temperature_c; // the GPU die sensor
    std::optional<double> power_w;       // whole board, NVML's milliwatts / 1000
    // Device memory the driver and firmware reserve (nvmlDeviceGetMemoryInfo_v2; absent with
    // older drivers). Included in memory_used_bytes, as NVML counts it.
    std::optional<std::int64_t> memory_reserved_bytes;
    // The board's energy counter since the driver loaded, in millijoules (Volta and later).
    std::optional<std::uint64_t> energy_mj;
    // Why the clocks are below their maximum now: NVML's bitmask of clock-event ("throttle")
    // reasons (see sys::throttle_reason_names).
    std::optional<std::uint64_t> clock_event_reasons;
};

// The names of the reasons in an NVML clock-event bitmask that slow a busy GPU down:
// sw_power_cap, hw_slowdown, sync_boost, sw_thermal, hw_thermal, hw_power_brake. Idle, the
// applications-clocks and display-clocks bits are left out: they say nothing of a slowdown
// under load.
std::vector<std::string> throttle_reason_names(std::uint64_t reasons);
bool slows_down(std::uint64_t reasons);

class Nvml {
  public:
    // Opens the library named by FARM_NVML_LIBRARY when that is set, else the driver's.
    static Nvml open();
    // Opens exactly `library` (a path or a name dlopen searches for).
    static Nvml open_library(const std::string& library);

    Nvml(Nvml&& other) noexcept;
    Nvml& operator=(Nvml&& other) noexcept;
    Nvml(const Nvml&) = delete;
    Nvml& operator=(const Nvml&) = delete;
    // Shuts NVML down and closes the library.
    ~Nvml();

    bool available() const { return m_initialised; }
    // "GPU telemetry: not available (REASON)" when not available; "" otherwise.
    const std::string& unavailable_reason() const { return m_reason; }

    // The devices found by nvmlInit, in NVML's index order; empty when not available.
    std::size_t device_count() const { return m_devices.size(); }
    const std::vector<std::string>& device_names() const { return m_names; }
    // NVML's index of each device of device_names() (a device NVML refuses a handle to is left
    // out, so these need not be 0, 1, 2 ...).
    const std::vector<unsigned>& device_indices() const { return m_indices; }
    // Each device's UUID ("GPU-8f3c…"), "" where the driver gives none.
    const std::vector<std::string>& device_uuids() const { return m_uuids; }

    // Keeps only the devices whose NVML index is in `indices` (see sys::select_gpus); the others
    // are neither read nor named from then on.
    void keep_only(const std::vector<unsigned>& indices);

    // Reads every device now. Empty when not available.
    std::vector<GpuReading> read() const;

    struct Functions; // the resolved NVML functions, defined in nvml.cpp

  private:
    Nvml();
    void load(const std::vector<std::string>& candidates);
    void close();

    void* m_handle = nullptr;
    std::unique_ptr<Functions> m_functions;
    bool m_initialised = false;
    std::string m_reason;
    std::vector<void*> m_devices; // nvmlDevice_t handles
    std::vector<std::string> m_names;
    std::vector<unsigned> m_indices;
    std::vector<std::string> m_uuids;
};

// What a run records as its "gpu" context: the device name ("2 x NAME" for two identical
// devices, names joined with ", " otherwise), or "not available".
std::string gpu_context_label(const Nvml& nvml);

} // namespace farm::sys
