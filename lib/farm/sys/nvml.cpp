#include "farm/sys/nvml.hpp"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <map>
#include <utility>

namespace farm::sys {

// NVML's own declarations (nvml.h), limited to what farm calls. Every function returns an
// nvmlReturn_t, 0 for success. The _v2 entry points exist since driver 325 and are what nvml.h
// maps the plain names to. The structs are in a named namespace, not a file-local one:
// Nvml::Functions (a member of a class with external linkage) holds pointers to functions that
// take them.
namespace nvml_abi {

struct NvmlUtilization {
    unsigned int gpu;
    unsigned int memory;
};

struct NvmlMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

// nvmlMemory_v2_t: `version` must hold NVML_STRUCT_VERSION(Memory, 2), the struct's size with
// the version number in the top byte, or the driver answers "argument version mismatch".
struct NvmlMemoryV2 {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
};

} // namespace nvml_abi

namespace {

using nvml_abi::NvmlMemory;
using nvml_abi::NvmlMemoryV2;
using nvml_abi::NvmlUtilization;
using NvmlReturn = int;
constexpr NvmlReturn nvml_success = 0;
constexpr unsigned nvml_temperature_gpu = 0;
// NVML_DEVICE_NAME_V2_BUFFER_SIZE: enough for every product name.
constexpr unsigned nvml_name_buffer_size = 96;

constexpr unsigned int nvml_memory_v2_version =
    static_cast<unsigned int>(sizeof(NvmlMemoryV2)) | (2U << 24U);
// NVML_DEVICE_UUID_V2_BUFFER_SIZE.
constexpr unsigned nvml_uuid_buffer_size = 96;

// nvmlClocksEventReason* (named nvmlClocksThrottleReason* before CUDA 12.2; same bits).
constexpr std::uint64_t reason_sw_power_cap = 0x4;
constexpr std::uint64_t reason_hw_slowdown = 0x8;
constexpr std::uint64_t reason_sync_boost = 0x10;
constexpr std::uint64_t reason_sw_thermal = 0x20;
constexpr std::uint64_t reason_hw_thermal = 0x40;
constexpr std::uint64_t reason_hw_power_brake = 0x80;

} // namespace

struct Nvml::Functions {
    NvmlReturn (*init)();
    NvmlReturn (*device_count)(unsigned int* count);
    NvmlReturn (*device_handle)(unsigned int index, void** device);
    NvmlReturn (*device_name)(void* device, char* name, unsigned int length);
    NvmlReturn (*utilization)(void* device, NvmlUtilization* rates);
    NvmlReturn (*memory)(void* device, NvmlMemory* memory);
    NvmlReturn (*temperature)(void* device, unsigned int sensor, unsigned int* celsius);
    NvmlReturn (*power)(void* device, unsigned int* milliwatts);
    NvmlReturn (*shutdown)();
    const char* (*error_string)(NvmlReturn code);
    // Newer than driver 325: null where the driver lacks them.
    NvmlReturn (*uuid)(void* device, char* uuid, unsigned int length);
    NvmlReturn (*memory_v2)(void* device, NvmlMemoryV2* memory);
    NvmlReturn (*energy)(void* device, unsigned long long* millijoules);
    NvmlReturn (*clock_event_reasons)(void* device, unsigned long long* reasons);
};

namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& slot, std::string& missing) {
    void* symbol = dlsym(library, name);
    if (!symbol) {
        missing += std::string(missing.empty() ? "" : ", ") + name;
        return;
    }
    slot = reinterpret_cast<Function>(symbol);
}

template <typename Function>
void resolve_optional(void* library, const char* name, Function& slot) {
    void* symbol = dlsym(library, name);
    slot = symbol ? reinterpret_cast<Function>(symbol) : nullptr;
}

void resolve_newer_functions(void* library, Nvml::Functions& functions) {
    resolve_optional(library, "nvmlDeviceGetUUID", functions.uuid);
    resolve_optional(library, "nvmlDeviceGetMemoryInfo_v2", functions.memory_v2);
    resolve_optional(library, "nvmlDeviceGetTotalEnergyConsumption", functions.energy);
    // Renamed in CUDA 12.2; drivers keep the old name as well.
    resolve_optional(library, "nvmlDeviceGetCurrentClocksEventReasons",
                     functions.clock_event_reasons);
    if (!functions.clock_event_reasons) {
        resolve_optional(library, "nvmlDeviceGetCurrentClocksThrottleReasons",
                         functions.clock_event_reasons);
    }
}

std::string device_uuid(const Nvml::Functions& functions, void* device) {
    char uuid[nvml_uuid_buffer_size] = {};
    if (!functions.uuid || functions.uuid(device, uuid, sizeof uuid) != nvml_success) {
        return {};
    }
    return uuid;
}

std::string describe(const Nvml::Functions& nvml, NvmlReturn code) {
    const char* text = nvml.error_string(code);
    std::string message = text ? text : "unknown error";
    return message + " (NVML error " + std::to_string(code) + ")";
}

} // namespace

Nvml::Nvml() = default;

Nvml::Nvml(Nvml&& other) noexcept
    : m_handle(std::exchange(other.m_handle, nullptr)), m_functions(std::move(other.m_functions)),
      m_initialised(std::exchange(other.m_initialised, false)), m_reason(std::move(other.m_reason)),
      m_devices(std::move(other.m_devices)), m_names(std::move(other.m_names)),
      m_indices(std::move(other.m_indices)), m_uuids(std::move(other.m_uuids)) {}

Nvml& Nvml::operator=(Nvml&& other) noexcept {
    if (this != &other) {
        close();
        m_handle = std::exchange(other.m_handle, nullptr);
        m_functions = std::move(other.m_functions);
        m_initialised = std::exchange(other.m_initialised, false);
        m_reason = std::move(other.m_reason);
        m_devices = std::move(other.m_devices);
        m_names = std::move(other.m_names);
        m_indices = std::move(other.m_indices);
        m_uuids = std::move(other.m_uuids);
    }
    return *this;
}

Nvml::~Nvml() {
    close();
}

void Nvml::close() {
    if (m_initialised) {
        m_functions->shutdown();
        m_initialised = false;
    }
    if (m_handle) {
        dlclose(m_handle);
        m_handle = nullptr;
    }
    m_devices.clear();
    m_names.clear();
    m_indices.clear();
    m_uuids.clear();
}

Nvml Nvml::open() {
    const char* chosen = std::getenv("FARM_NVML_LIBRARY");
    Nvml nvml;
    if (chosen && *chosen) {
        nvml.load({chosen});
    } else {
        nvml.load({"libnvidia-ml.so.1", "libnvidia-ml.so"});
    }
    return nvml;
}

Nvml Nvml::open_library(const std::string& library) {
    Nvml nvml;
    nvml.load({library});
    return nvml;
}

void Nvml::load(const std::vector<std::string>& candidates) {
    std::string not_available = "GPU telemetry: not available (";
    std::string open_errors;
    for (const std::string& candidate : candidates) {
        m_handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (m_handle) {
            break;
        }
        const char* error = dlerror();
        open_errors += std::string(open_errors.empty() ? "" : "; ") + (error ? error : candidate);
    }
    if (!m_handle) {
        m_reason = not_available + "no NVIDIA driver library: " + open_errors + ")";
        return;
    }
    Functions functions{};
    std::string missing;
    resolve(m_handle, "nvmlInit_v2", functions.init, missing);
    resolve(m_handle, "nvmlDeviceGetCount_v2", functions.device_count, missing);
    resolve(m_handle, "nvmlDeviceGetHandleByIndex_v2", functions.device_handle, missing);
    resolve(m_handle, "nvmlDeviceGetName", functions.device_name, missing);
    resolve(m_handle, "nvmlDeviceGetUtilizationRates", functions.utilization, missing);
    resolve(m_handle, "nvmlDeviceGetMemoryInfo", functions.memory, missing);
    resolve(m_handle, "nvmlDeviceGetTemperature", functions.temperature, missing);
    resolve(m_handle, "nvmlDeviceGetPowerUsage", functions.power, missing);
    resolve(m_handle, "nvmlShutdown", functions.shutdown, missing);
    resolve(m_handle, "nvmlErrorString", functions.error_string, missing);
    if (!missing.empty()) {
        m_reason = not_available + "the NVIDIA driver library lacks " + missing +
                   "; a driver of version 325 or later has them)";
        close();
        return;
    }
    resolve_newer_functions(m_handle, functions);
    m_functions = std::make_unique<Functions>(functions);
    NvmlReturn code = m_functions->init();
    if (code != nvml_success) {
        m_reason = not_available + "nvmlInit failed: " + describe(*m_functions, code) + ")";
        close();
        return;
    }
    m_initialised = true;
    unsigned int count = 0;
    code = m_functions->device_count(&count);
    if (code != nvml_success) {
        m_reason =
            not_available + "nvmlDeviceGetCount failed: " + describe(*m_functions, code) + ")";
        close();
        return;
    }
    for (unsigned int index = 0; index < count; ++index) {
        void* device = nullptr;
        code = m_functions->device_handle(index, &device);
        if (code != nvml_success) {
            // A device this process may not use (cgroups, MIG) is skipped, not fatal.
            continue;
        }
        char name[nvml_name_buffer_size] = {};
        if (m_functions->device_name(device, name, sizeof name) != nvml_success) {
            name[0] = '\0';
        }
        m_devices.push_back(device);
        m_names.push_back(name[0] ? std::string(name) : "GPU " + std::to_string(index));
        m_indices.push_back(index);
        m_uuids.push_back(device_uuid(*m_functions, device));
    }
    if (m_devices.empty()) {
        m_reason = not_available + "the NVIDIA driver found no usable GPU)";
        close();
    }
}

namespace {

void read_memory(const Nvml::Functions& functions, void* device, GpuReading& reading) {
    if (functions.memory_v2) {
        NvmlMemoryV2 memory{};
        memory.version = nvml_memory_v2_version;
        if (functions.memory_v2(device, &memory) == nvml_success) {
            reading.memory_used_bytes = static_cast<std::int64_t>(memory.used);
            reading.memory_total_bytes = static_cast<std::int64_t>(memory.total);
            reading.memory_reserved_bytes = static_cast<std::int64_t>(memory.reserved);
            return;
        }
    }
    NvmlMemory memory{};
    if (functions.memory(device, &memory) == nvml_success) {
        reading.memory_used_bytes = static_cast<std::int64_t>(memory.used);
        reading.memory_total_bytes = static_cast<std::int64_t>(memory.total);
    }
}

void read_counters(const Nvml::Functions& functions, void* device, GpuReading& reading) {
    unsigned long long value = 0;
    if (functions.energy && functions.energy(device, &value) == nvml_success) {
        reading.energy_mj = value;
    }
    value = 0;
    if (functions.clock_event_reasons &&
        functions.clock_event_reasons(device, &value) == nvml_success) {
        reading.clock_event_reasons = value;
    }
}

} // namespace

std::vector<GpuReading> Nvml::read() const {
    std::vector<GpuReading> readings;
    if (!m_initialised) {
        return readings;
    }
    readings.reserve(m_devices.size());
    for (std::size_t i = 0; i < m_devices.size(); ++i) {
        void* device = m_devices[i];
        GpuReading reading;
        reading.index = m_indices[i];
        reading.name = m_names[i];
        NvmlUtilization rates{};
        if (m_functions->utilization(device, &rates) == nvml_success) {
            reading.utilization_pct = rates.gpu;
        }
        read_memory(*m_functions, device, reading);
        unsigned int celsius = 0;
        if (m_functions->temperature(device, nvml_temperature_gpu, &celsius) == nvml_success) {
            reading.temperature_c = celsius;
        }
        unsigned int milliwatts = 0;
        if (m_functions->power(device, &milliwatts) == nvml_success) {
            reading.power_w = milliwatts / 1000.0;
        }
        read_counters(*m_functions, device, reading);
        readings.push_back(std::move(reading));
    }
    return readings;
}

void Nvml::keep_only(const std::vector<unsigned>& indices) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_devices.size(); ++i) {
        if (std::find(indices.begin(), indices.end(), m_indices[i]) == indices.end()) {
            continue;
        }
        m_devices[kept] = m_devices[i];
        m_names[kept] = m_names[i];
        m_indices[kept] = m_indices[i];
        m_uuids[kept] = m_uuids[i];
        ++kept;
    }
    m_devices.resize(kept);
    m_names.resize(kept);
    m_indices.resize(kept);
    m_uuids.resize(kept);
}

std::vector<std::string> throttle_reason_names(std::uint64_t reasons) {
    static const std::pair<std::uint64_t, const char*> names[] = {
        {reason_sw_power_cap, "sw_power_cap"}, {reason_hw_slowdown, "hw_slowdown"},
        {reason_sync_boost, "sync_boost"},     {reason_sw_thermal, "sw_thermal"},
        {reason_hw_thermal, "hw_thermal"},     {reason_hw_power_brake, "hw_power_brake"}};
    std::vector<std::string> found;
    for (const auto& [bit, name] : names) {
        if (reasons & bit) {
            found.emplace_back(name);
        }
    }
    return found;
}

bool slows_down(std::uint64_t reasons) {
    return !throttle_reason_names(reasons).empty();
}

std::string gpu_context_label(const Nvml& nvml) {
    if (!nvml.available()) {
        return "not available";
    }
    std::map<std::string, int> seen;
    std::vector<std::string> order;
    for (const std::string& name : nvml.device_names()) {
        if (seen[name]++ == 0) {
            order.push_back(name);
        }
    }
    std::string label;
    for (const std::string& name : order) {
        if (!label.empty()) {
            label += ", ";
        }
        int count = seen[name];
        label += count > 1 ? std::to_string(count) + " x " + name : name;
    }
    return label;
}

} // namespace farm::sys
