// How fast the disk under a path reads and writes, from /proc/diskstats: the dashboard's disk
// I/O line. Two reads of the counters some time apart give the rates.
//
// The disk is the block device whose number (major:minor) is the path's st_dev. A file system on
// no block device of its own (overlay in a container, tmpfs, btrfs subvolumes) has no such line;
// then the rates are those of all whole disks together (partitions, loop, RAM and zram devices
// left out, so no byte is counted twice), and the device reads "all disks". /proc/diskstats
// counts in 512-byte sectors whatever the device's own sector size (the kernel's
// Documentation/admin-guide/iostats.rst).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::sys {

// One line of /proc/diskstats: the fields farm uses.
struct DiskCounters {
    unsigned major = 0;
    unsigned minor = 0;
    std::string name;                  // "nvme0n1", "sda1"
    std::uint64_t sectors_read = 0;    // field 3 after the name
    std::uint64_t sectors_written = 0; // field 7 after the name
};

// Bytes per second over an interval; `known` is false when nothing could be measured (no
// /proc/diskstats, or the first sample of a monitor).
struct DiskIo {
    bool known = false;
    std::string device; // "nvme0n1", or "all disks"
    double read_bytes_per_s = 0;
    double write_bytes_per_s = 0;
};

// Every line; throws farm::Error naming the file and line for a line that is not
// "MAJOR MINOR NAME" followed by at least 7 whole numbers.
std::vector<DiskCounters> parse_diskstats(const std::string& text,
                                          const std::string& source = "/proc/diskstats");

// The counters of the device holding `path` (its st_dev), else the sum of the whole disks, for
// which `is_whole_disk` says yes. nullopt when `path` cannot be stat'ed or nothing matches.
std::optional<DiskCounters>
counters_for_path(const std::vector<DiskCounters>& all, const std::filesystem::path& path,
                  const std::function<bool(const std::string&)>& is_whole_disk);

// True for a name under /sys/block that is not a loop, RAM or zram device.
bool is_physical_whole_disk(const std::string& name);

// The rates between two reads of the same device `seconds` apart; unknown when the device
// changed, no time passed or a counter went back (a device removed and another added).
DiskIo disk_io_between(const DiskCounters& before, const DiskCounters& after, double seconds);

} // namespace farm::sys
