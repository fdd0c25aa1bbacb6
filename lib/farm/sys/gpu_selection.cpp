#include "farm/sys/gpu_selection.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cctype>

namespace farm::sys {

namespace {

std::vector<std::string> entries_of(const std::string& list) {
    std::vector<std::string> entries;
    std::string entry;
    for (char c : list + ",") {
        if (c == ',') {
            entries.push_back(entry);
            entry.clear();
        } else {
            entry += c;
        }
    }
    return entries;
}

bool is_number(const std::string& text) {
    return !text.empty() && text.size() <= 9 &&
           std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

// The device an entry names: an NVML index, or a UUID or a prefix of one that fits one device.
const GpuIdentity* find_device(const std::vector<GpuIdentity>& devices, const std::string& entry) {
    if (is_number(entry)) {
        unsigned index = static_cast<unsigned>(std::stoul(entry));
        for (const GpuIdentity& device : devices) {
            if (device.index == index) {
                return &device;
            }
        }
        return nullptr;
    }
    const GpuIdentity* found = nullptr;
    for (const GpuIdentity& device : devices) {
        if (!entry.empty() && device.uuid.compare(0, entry.size(), entry) == 0) {
            if (found) {
                return nullptr; // ambiguous prefix
            }
            found = &device;
        }
    }
    return found;
}

std::string devices_text(const std::vector<GpuIdentity>& devices) {
    if (devices.empty()) {
        return "no GPU is visible to NVML here";
    }
    std::string text = "the GPUs here are";
    for (const GpuIdentity& device : devices) {
        text += (text.back() == 'e' ? " " : ", ") + std::to_string(device.index) + " (" +
                device.name + (device.uuid.empty() ? "" : ", " + device.uuid) + ")";
    }
    return text;
}

void add_once(std::vector<unsigned>& indices, unsigned index) {
    if (std::find(indices.begin(), indices.end(), index) == indices.end()) {
        indices.push_back(index);
    }
}

GpuSelection all_of(const std::vector<GpuIdentity>& devices) {
    GpuSelection selection{{}, "all GPUs", ""};
    for (const GpuIdentity& device : devices) {
        selection.indices.push_back(device.index);
    }
    return selection;
}

GpuSelection from_option(const std::vector<GpuIdentity>& devices, const std::string& option) {
    if (option == "all") {
        return all_of(devices);
    }
    GpuSelection selection{{}, "--gpu " + option, ""};
    if (option == "none") {
        return selection;
    }
    for (const std::string& entry : entries_of(option)) {
        const GpuIdentity* device = find_device(devices, entry);
        if (!device) {
            throw UsageError("--gpu " + option + ": '" + entry + "' names no single GPU; " +
                             devices_text(devices) +
                             " (give an index, a UUID or a unique start of one, 'all' or 'none')");
        }
        add_once(selection.indices, device->index);
    }
    return selection;
}

GpuSelection from_cuda_visible(const std::vector<GpuIdentity>& devices, const std::string& list) {
    GpuSelection selection{{}, "CUDA_VISIBLE_DEVICES=" + list, ""};
    bool numbered = false;
    for (const std::string& entry : entries_of(list)) {
        if (entry.rfind("MIG-", 0) == 0) {
            selection.note = "MIG instances in CUDA_VISIBLE_DEVICES are not sampled (their parent "
                             "GPU cannot be told from the MIG UUID; use --gpu)";
            continue;
        }
        const GpuIdentity* device = find_device(devices, entry);
        if (!device) {
            break; // as CUDA: the list ends at the first entry that names no device
        }
        numbered = numbered || is_number(entry);
        add_once(selection.indices, device->index);
    }
    if (numbered && selection.note.empty()) {
        selection.note = "CUDA_VISIBLE_DEVICES numbers taken as NVML indices (the same as "
                         "CUDA's with CUDA_DEVICE_ORDER=PCI_BUS_ID; UUIDs are unambiguous)";
    }
    return selection;
}

} // namespace

GpuSelection select_gpus(const std::vector<GpuIdentity>& devices, const std::string& option,
                         const std::optional<std::string>& cuda_visible_devices) {
    if (!option.empty()) {
        return from_option(devices, option);
    }
    if (cuda_visible_devices) {
        return from_cuda_visible(devices, *cuda_visible_devices);
    }
    return all_of(devices);
}

} // namespace farm::sys
