#include "farm/sys/gpu_selection.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using farm::sys::GpuIdentity;
using farm::sys::GpuSelection;
using farm::sys::select_gpus;

namespace {

const std::vector<GpuIdentity> devices = {
    {0, "GPU-1a2b3c4d-0000-0000-0000-000000000000", "NVIDIA H100"},
    {1, "GPU-8f3c2a61-0000-0000-0000-000000000000", "NVIDIA H100"},
    {2, "GPU-8f3d0000-0000-0000-0000-000000000000", "NVIDIA L4"},
};

std::vector<unsigned> chosen(const std::string& option, std::optional<std::string> cuda = {}) {
    return select_gpus(devices, option, cuda).indices;
}

} // namespace

TEST_CASE("sys::select_gpus: every GPU unless told otherwise") {
    CHECK(chosen("") == std::vector<unsigned>{0, 1, 2});
    CHECK(chosen("all", std::string("1")) == std::vector<unsigned>{0, 1, 2});
    CHECK(chosen("none").empty());
}

TEST_CASE("sys::select_gpus: --gpu by index and by UUID or a unique start of one") {
    CHECK(chosen("2,0") == std::vector<unsigned>{2, 0});
    CHECK(chosen("GPU-8f3c2") == std::vector<unsigned>{1});
    CHECK(chosen("1,GPU-8f3c") == std::vector<unsigned>{1}); // the same device once
    // --gpu wins over CUDA_VISIBLE_DEVICES.
    CHECK(chosen("0", std::string("2")) == std::vector<unsigned>{0});
}

TEST_CASE("sys::select_gpus: a --gpu entry that names no single device is a usage error") {
    for (const char* bad : {"7", "GPU-8f3", "GPU-ffff", "0,x", "", " 1"}) {
        if (std::string(bad).empty()) {
            continue; // "" means "not given"
        }
        CAPTURE(bad);
        CHECK_THROWS_AS(chosen(bad), farm::UsageError);
    }
    try {
        chosen("7");
    } catch (const farm::UsageError& error) {
        std::string message = error.what();
        CHECK(message.find("'7' names no single GPU") != std::string::npos);
        CHECK(message.find("2 (NVIDIA L4, GPU-8f3d0000") != std::string::npos);
    }
}

TEST_CASE("sys::select_gpus: CUDA_VISIBLE_DEVICES as CUDA reads it") {
    GpuSelection by_uuid = select_gpus(devices, "", std::string("GPU-8f3d,GPU-1a2b"));
    CHECK(by_uuid.indices == std::vector<unsigned>{2, 0});
    CHECK(by_uuid.source == "CUDA_VISIBLE_DEVICES=GPU-8f3d,GPU-1a2b");
    CHECK(by_uuid.note.empty());

    GpuSelection by_number = select_gpus(devices, "", std::string("1"));
    CHECK(by_number.indices == std::vector<unsigned>{1});
    CHECK(by_number.note.find("CUDA_DEVICE_ORDER=PCI_BUS_ID") != std::string::npos);

    // The list ends at the first entry that names no device; "" and -1 hide every GPU.
    CHECK(chosen("", std::string("1,9,2")) == std::vector<unsigned>{1});
    CHECK(chosen("", std::string("")).empty());
    CHECK(chosen("", std::string("-1")).empty());

    GpuSelection mig = select_gpus(devices, "", std::string("MIG-4f0e,0"));
    CHECK(mig.indices == std::vector<unsigned>{0});
    CHECK(mig.note.find("MIG") != std::string::npos);
}
