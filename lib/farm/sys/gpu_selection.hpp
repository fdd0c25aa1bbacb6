// Which of this machine's GPUs a run samples: `--gpu`, else the devices CUDA_VISIBLE_DEVICES
// names, else all of them.
//
// CUDA_VISIBLE_DEVICES names devices by UUID ("GPU-8f3c…", a unique prefix is enough) or by
// number. A UUID is matched against NVML's; a number is taken as NVML's index, which is CUDA's
// only with CUDA_DEVICE_ORDER=PCI_BUS_ID (CUDA otherwise puts the fastest device first): the
// selection says so. As CUDA does, the list ends at its first entry that names no device; an
// empty list or "-1" hides every GPU. MIG instances ("MIG-…") are not NVML devices: their
// telemetry is their parent's, which farm cannot name from the MIG UUID alone, so they are left
// out with a note. Pure: the caller passes the devices and the variable.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace farm::sys {

struct GpuIdentity {
    unsigned index = 0; // NVML's
    std::string uuid;
    std::string name;
};

struct GpuSelection {
    std::vector<unsigned> indices; // NVML indices, in the order named
    std::string source;            // "all GPUs", "--gpu 1", "CUDA_VISIBLE_DEVICES=GPU-8f3c"
    std::string note;              // a caveat to show beside the GPU line, or ""
};

// `option` is --gpu's value: "" (not given), "all", "none", or a comma-separated list of NVML
// indices and UUIDs (prefixes). Throws farm::UsageError naming the devices there are when an
// entry of --gpu names none of them.
GpuSelection select_gpus(const std::vector<GpuIdentity>& devices, const std::string& option,
                         const std::optional<std::string>& cuda_visible_devices);

} // namespace farm::sys
