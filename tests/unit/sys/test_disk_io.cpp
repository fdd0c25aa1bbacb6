#include "farm/sys/disk_io.hpp"

#include "farm/core/error.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using farm::sys::DiskCounters;

namespace {

const DiskCounters* find(const std::vector<DiskCounters>& all, const std::string& name) {
    for (const DiskCounters& device : all) {
        if (device.name == name) {
            return &device;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("sys::parse_diskstats of two recorded reads, and the rates between them") {
    // Two reads of a virtual machine's /proc/diskstats one second apart, 8 MiB written and
    // fsync'ed in between (tests/fixtures/proc/README.md).
    std::vector<DiskCounters> before =
        farm::sys::parse_diskstats(farm::test::read_fixture("proc", "diskstats_before"));
    std::vector<DiskCounters> after =
        farm::sys::parse_diskstats(farm::test::read_fixture("proc", "diskstats_after"));
    REQUIRE(before.size() == 10); // loop0-7, vda, zram0
    const DiskCounters* vda = find(before, "vda");
    REQUIRE(vda != nullptr);
    // 254 0 vda 807799 82971 28564762 480716 872784 982977 660931352 ...
    CHECK(vda->major == 254);
    CHECK(vda->minor == 0);
    CHECK(vda->sectors_read == 28564762);
    CHECK(vda->sectors_written == 660931352);
    const DiskCounters* vda_after = find(after, "vda");
    REQUIRE(vda_after != nullptr);
    // +24 sectors read and +16432 written, 512 bytes each, taken as 2 s apart.
    farm::sys::DiskIo io = farm::sys::disk_io_between(*vda, *vda_after, 2.0);
    CHECK(io.known);
    CHECK(io.device == "vda");
    CHECK(io.read_bytes_per_s == doctest::Approx(24.0 * 512 / 2));
    CHECK(io.write_bytes_per_s == doctest::Approx(16432.0 * 512 / 2));

    // No time, another device, or counters that went back: unknown, never a made-up rate.
    CHECK_FALSE(farm::sys::disk_io_between(*vda, *vda_after, 0).known);
    CHECK_FALSE(farm::sys::disk_io_between(*vda_after, *vda, 1).known);
    DiskCounters other = *vda_after;
    other.name = "sda";
    CHECK_FALSE(farm::sys::disk_io_between(*vda, other, 1).known);
}

TEST_CASE("sys::parse_diskstats of a malformed line names the file and line") {
    std::string message;
    try {
        farm::sys::parse_diskstats("   8 0 sda 1 2 3 4 5 6 7 8\n   8 1 sda1 1 2 x\n", "stats");
    } catch (const farm::Error& error) {
        message = error.what();
    }
    CHECK(message.rfind("stats:2: expected \"MAJOR MINOR NAME\" and at least 7 counters", 0) == 0);
}

TEST_CASE("sys::counters_for_path: the path's own device, else the whole disks summed") {
    struct stat info {};
    REQUIRE(::stat(".", &info) == 0);
    DiskCounters own{major(info.st_dev), minor(info.st_dev), "own", 10, 20};
    DiskCounters disk_a{1000, 1, "a", 1, 2};
    DiskCounters disk_b{1000, 2, "b", 3, 4};
    DiskCounters loop{1000, 3, "loop0", 100, 100};
    auto whole = [](const std::string& name) { return name != "loop0"; };

    std::optional<DiskCounters> found =
        farm::sys::counters_for_path({disk_a, own, disk_b}, ".", whole);
    REQUIRE(found);
    CHECK(found->name == "own");

    found = farm::sys::counters_for_path({disk_a, disk_b, loop}, ".", whole);
    REQUIRE(found);
    CHECK(found->name == "all disks");
    CHECK(found->sectors_read == 4);
    CHECK(found->sectors_written == 6);

    CHECK_FALSE(farm::sys::counters_for_path({loop}, ".", whole));
    CHECK_FALSE(farm::sys::counters_for_path({own}, "missing/folder", whole));
    CHECK_FALSE(farm::sys::is_physical_whole_disk("loop0"));
    CHECK_FALSE(farm::sys::is_physical_whole_disk("zram0"));
}
