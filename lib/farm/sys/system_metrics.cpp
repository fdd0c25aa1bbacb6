#include "farm/sys/system_metrics.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/statvfs.h>
#include <vector>

namespace farm::sys {

namespace {

const char* unsupported = "this kernel's format is not one farm knows; please report it";

[[noreturn]] void malformed(const std::string& source, std::size_t line, const std::string& what) {
    throw Error(source + ":" + std::to_string(line) + ": " + what + " (" + unsupported + ")");
}

std::vector<std::string> split_whitespace(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> words;
    std::string word;
    while (in >> word) {
        words.push_back(word);
    }
    return words;
}

// The lines of a file; a file that does not end with a newline still gives its last line.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

// The numbers of one "cpu" or "cpuN" line; `words` is the line split at white space.
CpuTimes cpu_times_of(const std::vector<std::string>& words, const std::string& source,
                      std::size_t line) {
    // user nice system idle [iowait irq softirq steal [guest guest_nice]]; guest time is
    // already part of user and nice, so it is not added again.
    if (words.size() < 5) {
        malformed(source, line,
                  "the \"" + words[0] + "\" line has " + std::to_string(words.size() - 1) +
                      " values, at least 4 expected");
    }
    std::uint64_t values[8] = {};
    for (std::size_t field = 0; field < 8 && field + 1 < words.size(); ++field) {
        if (!core::parse_number(words[field + 1], values[field])) {
            malformed(source, line,
                      "value " + std::to_string(field + 1) + " of the \"" + words[0] +
                          "\" line is \"" + words[field + 1] + "\", not a whole number");
        }
    }
    CpuTimes times;
    std::uint64_t idle = values[3] + values[4];
    times.busy = values[0] + values[1] + values[2] + values[5] + values[6] + values[7];
    times.total = times.busy + idle;
    return times;
}

bool is_core_line(const std::string& word) {
    return word.size() > 3 && word.starts_with("cpu") &&
           word.find_first_not_of("0123456789", 3) == std::string::npos;
}

} // namespace

std::string read_proc_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error("cannot read " + path + ": " + std::strerror(errno) +
                    " (farm perf needs Linux's /proc mounted)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

CpuTimes parse_proc_stat(const std::string& text, const std::string& source) {
    std::vector<std::string> lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::vector<std::string> words = split_whitespace(lines[i]);
        if (!words.empty() && words[0] == "cpu") {
            return cpu_times_of(words, source, i + 1);
        }
    }
    throw Error(source + ": no \"cpu\" line (" + unsupported + ")");
}

std::vector<CpuTimes> parse_proc_stat_cores(const std::string& text, const std::string& source) {
    std::vector<CpuTimes> cores;
    std::vector<std::string> lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::vector<std::string> words = split_whitespace(lines[i]);
        if (!words.empty() && is_core_line(words[0])) {
            cores.push_back(cpu_times_of(words, source, i + 1));
        }
    }
    return cores;
}

MemoryUsage parse_meminfo(const std::string& text, const std::string& source) {
    std::int64_t total_kib = -1;
    std::int64_t available_kib = -1;
    std::vector<std::string> lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::vector<std::string> words = split_whitespace(lines[i]);
        if (words.empty() || (words[0] != "MemTotal:" && words[0] != "MemAvailable:")) {
            continue;
        }
        std::int64_t value = 0;
        if (words.size() != 3 || words[2] != "kB" || !core::parse_number(words[1], value)) {
            malformed(source, i + 1,
                      "expected \"" + words[0] + " NUMBER kB\", found \"" + lines[i] + "\"");
        }
        (words[0] == "MemTotal:" ? total_kib : available_kib) = value;
    }
    if (total_kib < 0) {
        throw Error(source + ": no MemTotal line (" + unsupported + ")");
    }
    if (available_kib < 0) {
        throw Error(source + ": no MemAvailable line (Linux 3.14 or later has it)");
    }
    MemoryUsage memory;
    memory.total_bytes = total_kib * 1024;
    memory.available_bytes = available_kib * 1024;
    memory.used_bytes = memory.total_bytes - memory.available_bytes;
    return memory;
}

LoadAverage parse_loadavg(const std::string& text, const std::string& source) {
    std::vector<std::string> lines = lines_of(text);
    std::vector<std::string> words = split_whitespace(lines.empty() ? "" : lines[0]);
    LoadAverage load;
    if (words.size() < 3 || !core::parse_number(words[0], load.one) ||
        !core::parse_number(words[1], load.five) || !core::parse_number(words[2], load.fifteen)) {
        malformed(source, 1,
                  "expected three load averages, found \"" + (lines.empty() ? "" : lines[0]) +
                      "\"");
    }
    return load;
}

double parse_uptime(const std::string& text, const std::string& source) {
    std::vector<std::string> lines = lines_of(text);
    std::vector<std::string> words = split_whitespace(lines.empty() ? "" : lines[0]);
    double seconds = 0;
    if (words.empty() || !core::parse_number(words[0], seconds)) {
        malformed(source, 1,
                  "expected seconds since boot, found \"" + (lines.empty() ? "" : lines[0]) + "\"");
    }
    return seconds;
}

double cpu_busy_pct(const CpuTimes& before, const CpuTimes& after) {
    if (after.total <= before.total || after.busy < before.busy) {
        return 0;
    }
    double busy = static_cast<double>(after.busy - before.busy);
    double total = static_cast<double>(after.total - before.total);
    double pct = busy / total * 100.0;
    return pct > 100.0 ? 100.0 : pct;
}

DiskUsage disk_usage(const std::filesystem::path& path) {
    struct statvfs stats {};
    if (statvfs(path.c_str(), &stats) != 0) {
        throw Error("cannot read the disk usage of " + path.string() + ": " + std::strerror(errno) +
                    " (give a folder that exists)");
    }
    DiskUsage disk;
    disk.path = path;
    std::int64_t block = static_cast<std::int64_t>(stats.f_frsize);
    disk.total_bytes = static_cast<std::int64_t>(stats.f_blocks) * block;
    disk.free_bytes = static_cast<std::int64_t>(stats.f_bavail) * block;
    disk.used_bytes = static_cast<std::int64_t>(stats.f_blocks - stats.f_bfree) * block;
    std::int64_t usable = disk.used_bytes + disk.free_bytes;
    disk.used_pct =
        usable > 0 ? static_cast<double>(disk.used_bytes) / static_cast<double>(usable) * 100 : 0;
    return disk;
}

} // namespace farm::sys
