#include "farm/sys/disk_io.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <charconv>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace farm::sys {

namespace {

constexpr double sector_bytes = 512;

DiskCounters parse_line(const std::string& line, const std::string& source, std::size_t number) {
    std::istringstream in(line);
    std::vector<std::string> words;
    std::string word;
    while (in >> word) {
        words.push_back(word);
    }
    DiskCounters counters;
    bool ok = words.size() >= 10 && core::parse_number(words[0], counters.major) &&
              core::parse_number(words[1], counters.minor) &&
              core::parse_number(words[5], counters.sectors_read) &&
              core::parse_number(words[9], counters.sectors_written);
    if (!ok) {
        throw Error(source + ":" + std::to_string(number) +
                    ": expected \"MAJOR MINOR NAME\" and at least 7 counters, found \"" + line +
                    "\" (this kernel's format is not one farm knows; please report it)");
    }
    counters.name = words[2];
    return counters;
}

} // namespace

std::vector<DiskCounters> parse_diskstats(const std::string& text, const std::string& source) {
    std::vector<DiskCounters> all;
    std::istringstream in(text);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.find_first_not_of(" \t") != std::string::npos) {
            all.push_back(parse_line(line, source, number));
        }
    }
    return all;
}

std::optional<DiskCounters>
counters_for_path(const std::vector<DiskCounters>& all, const std::filesystem::path& path,
                  const std::function<bool(const std::string&)>& is_whole_disk) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return std::nullopt;
    }
    for (const DiskCounters& device : all) {
        if (device.major == major(info.st_dev) && device.minor == minor(info.st_dev)) {
            return device;
        }
    }
    DiskCounters sum;
    sum.name = "all disks";
    bool any = false;
    for (const DiskCounters& device : all) {
        if (is_whole_disk(device.name)) {
            sum.sectors_read += device.sectors_read;
            sum.sectors_written += device.sectors_written;
            any = true;
        }
    }
    return any ? std::optional<DiskCounters>(sum) : std::nullopt;
}

bool is_physical_whole_disk(const std::string& name) {
    if (name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram")) {
        return false;
    }
    std::error_code ignored;
    return std::filesystem::exists("/sys/block/" + name, ignored);
}

DiskIo disk_io_between(const DiskCounters& before, const DiskCounters& after, double seconds) {
    DiskIo io;
    io.device = after.name;
    if (before.name != after.name || seconds <= 0 || after.sectors_read < before.sectors_read ||
        after.sectors_written < before.sectors_written) {
        return io;
    }
    io.known = true;
    io.read_bytes_per_s = double(after.sectors_read - before.sectors_read) * sector_bytes / seconds;
    io.write_bytes_per_s =
        double(after.sectors_written - before.sectors_written) * sector_bytes / seconds;
    return io;
}

} // namespace farm::sys
