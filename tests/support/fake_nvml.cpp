// A stand-in for libnvidia-ml with the same C ABI, so that farm's NVML loader and GPU sampler
// are tested through dlopen/dlsym exactly as on a machine with an NVIDIA driver.
//
// Its values are scripted, read again at every call so a test can change them while a sampler
// runs. A value KEY is looked up, first for the device (KEY.INDEX) and then for all devices:
//   1. in the file named by FAKE_NVML_SCRIPT, lines "KEY=VALUE" (a test rewrites it with rename,
//      so a reader never sees half a file);
//   2. in the environment variable FAKE_NVML_<KEY in capitals> (FAKE_NVML_UTIL=37).
// Keys: fail_init (1: nvmlInit fails), count (devices, default 1), name, uuid (default
// GPU-00000000-0000-0000-0000-00000000000N), util, mem_used, mem_total, mem_reserved (the v2
// memory figure), temp, power_mw (milliwatts), energy_mj (the energy counter at nvmlInit; it then
// grows by power_mw for every second since, as a board's counter does), reasons (the clock-event
// bitmask, decimal), refuse (comma-separated: util, memory, memory_v2, temp, power, energy,
// reasons answer NVML_ERROR_NOT_SUPPORTED), calls (a file that gets one line per
// nvmlInit/nvmlShutdown). The v2 memory call checks its version word as the driver does
// (NVML_STRUCT_VERSION(Memory, 2), nvml.h) and answers "argument version mismatch" otherwise.
//
// Built a second time with FAKE_NVML_WITHOUT_POWER, which leaves nvmlDeviceGetPowerUsage out.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {

constexpr int success = 0;
constexpr int error_uninitialized = 1;
constexpr int error_invalid_argument = 2;
constexpr int error_not_supported = 3;
constexpr int error_insufficient_size = 7;
constexpr unsigned max_devices = 16;

struct Device {
    unsigned index;
};
Device devices[max_devices] = {{0}, {1}, {2},  {3},  {4},  {5},  {6},  {7},
                               {8}, {9}, {10}, {11}, {12}, {13}, {14}, {15}};
int init_count = 0;
std::chrono::steady_clock::time_point initialised_at;
constexpr int error_argument_version_mismatch = 25;

std::string from_script(const std::string& key, bool& found) {
    found = false;
    const char* script = std::getenv("FAKE_NVML_SCRIPT");
    if (!script) {
        return {};
    }
    std::ifstream in(script);
    std::string line;
    std::string value;
    while (std::getline(in, line)) {
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
            line[key.size()] == '=') {
            value = line.substr(key.size() + 1);
            found = true;
        }
    }
    return value;
}

std::string from_environment(const std::string& key, bool& found) {
    std::string name = "FAKE_NVML_";
    for (char c : key) {
        name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const char* value = std::getenv(name.c_str());
    found = value != nullptr;
    return value ? value : "";
}

std::string lookup(const std::string& key, const std::string& fallback, int device = -1) {
    bool found = false;
    std::string value;
    if (device >= 0) {
        std::string own = key + "." + std::to_string(device);
        value = from_script(own, found);
        if (!found) {
            value = from_environment(own, found);
        }
        if (found) {
            return value;
        }
    }
    value = from_script(key, found);
    if (!found) {
        value = from_environment(key, found);
    }
    return found ? value : fallback;
}

unsigned long long number(const std::string& key, unsigned long long fallback, int device = -1) {
    return std::strtoull(lookup(key, std::to_string(fallback), device).c_str(), nullptr, 10);
}

bool refused(const char* what, int device) {
    std::string list = "," + lookup("refuse", "", device) + ",";
    return list.find("," + std::string(what) + ",") != std::string::npos;
}

void log_call(const char* what) {
    std::string calls = lookup("calls", "");
    if (!calls.empty()) {
        std::ofstream(calls, std::ios::app) << what << "\n";
    }
}

int device_of(void* handle) {
    for (unsigned i = 0; i < max_devices; ++i) {
        if (handle == &devices[i]) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace

extern "C" {

struct FakeUtilization {
    unsigned int gpu;
    unsigned int memory;
};

struct FakeMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

int nvmlInit_v2() {
    log_call("init");
    if (number("fail_init", 0) != 0) {
        return 9; // NVML_ERROR_DRIVER_NOT_LOADED
    }
    if (init_count++ == 0) {
        initialised_at = std::chrono::steady_clock::now();
    }
    return success;
}

int nvmlShutdown() {
    log_call("shutdown");
    if (init_count == 0) {
        return error_uninitialized;
    }
    --init_count;
    return success;
}

const char* nvmlErrorString(int code) {
    switch (code) {
    case success:
        return "Success";
    case error_uninitialized:
        return "Uninitialized";
    case error_not_supported:
        return "Not Supported";
    case 9:
        return "Driver Not Loaded";
    default:
        return "Unknown Error";
    }
}

int nvmlDeviceGetCount_v2(unsigned int* count) {
    if (init_count == 0) {
        return error_uninitialized;
    }
    unsigned long long wanted = number("count", 1);
    *count = static_cast<unsigned>(wanted > max_devices ? max_devices : wanted);
    return success;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
    if (init_count == 0) {
        return error_uninitialized;
    }
    if (index >= number("count", 1) || index >= max_devices) {
        return error_invalid_argument;
    }
    *device = &devices[index];
    return success;
}

int nvmlDeviceGetName(void* handle, char* name, unsigned int length) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    std::string value = lookup("name", "Fake GPU " + std::to_string(device), device);
    if (value.size() + 1 > length) {
        return error_insufficient_size;
    }
    std::memcpy(name, value.c_str(), value.size() + 1);
    return success;
}

int nvmlDeviceGetUtilizationRates(void* handle, FakeUtilization* rates) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("util", device)) {
        return error_not_supported;
    }
    rates->gpu = static_cast<unsigned>(number("util", 0, device));
    rates->memory = static_cast<unsigned>(number("mem_util", 0, device));
    return success;
}

int nvmlDeviceGetMemoryInfo(void* handle, FakeMemory* memory) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("memory", device)) {
        return error_not_supported;
    }
    memory->total = number("mem_total", 8ULL << 30, device);
    memory->used = number("mem_used", 0, device);
    memory->free = memory->total - memory->used;
    return success;
}

int nvmlDeviceGetTemperature(void* handle, int sensor, unsigned int* celsius) {
    int device = device_of(handle);
    if (device < 0 || sensor != 0) {
        return error_invalid_argument;
    }
    if (refused("temp", device)) {
        return error_not_supported;
    }
    *celsius = static_cast<unsigned>(number("temp", 40, device));
    return success;
}

struct FakeMemoryV2 {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
};

int nvmlDeviceGetMemoryInfo_v2(void* handle, FakeMemoryV2* memory) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("memory", device) || refused("memory_v2", device)) {
        return error_not_supported;
    }
    if (memory->version != (static_cast<unsigned>(sizeof(FakeMemoryV2)) | (2U << 24U))) {
        return error_argument_version_mismatch;
    }
    memory->total = number("mem_total", 8ULL << 30, device);
    memory->used = number("mem_used", 0, device);
    memory->reserved = number("mem_reserved", 0, device);
    memory->free = memory->total - memory->used;
    return success;
}

int nvmlDeviceGetUUID(void* handle, char* uuid, unsigned int length) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    char fallback[64];
    std::snprintf(fallback, sizeof fallback, "GPU-00000000-0000-0000-0000-%012d", device);
    std::string value = lookup("uuid", fallback, device);
    if (value.size() + 1 > length) {
        return error_insufficient_size;
    }
    std::memcpy(uuid, value.c_str(), value.size() + 1);
    return success;
}

int nvmlDeviceGetTotalEnergyConsumption(void* handle, unsigned long long* millijoules) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("energy", device)) {
        return error_not_supported;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - initialised_at).count();
    *millijoules = number("energy_mj", 1000000, device) +
                   static_cast<unsigned long long>(double(number("power_mw", 0, device)) * seconds);
    return success;
}

int nvmlDeviceGetCurrentClocksEventReasons(void* handle, unsigned long long* reasons) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("reasons", device)) {
        return error_not_supported;
    }
    *reasons = number("reasons", 0, device);
    return success;
}

#ifndef FAKE_NVML_WITHOUT_POWER
int nvmlDeviceGetPowerUsage(void* handle, unsigned int* milliwatts) {
    int device = device_of(handle);
    if (device < 0) {
        return error_invalid_argument;
    }
    if (refused("power", device)) {
        return error_not_supported;
    }
    *milliwatts = static_cast<unsigned>(number("power_mw", 0, device));
    return success;
}
#endif

} // extern "C"
