#include "farm/exec/tree_sampler.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace farm::exec {

namespace {

// Reads a small /proc file in one read(); /proc files are generated whole per read.
bool read_small_file(const char* path, std::string& out) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (n <= 0) {
        return false;
    }
    out.assign(buffer, std::size_t(n));
    return true;
}

} // namespace

// The files of the tree's processes stay open between samples and are re-read with pread at
// offset 0, which /proc answers with fresh content: one system call a file a sample instead of
// three. A descriptor belongs to the process it was opened for, so a reused pid reads as gone.
bool TreeSampler::read_proc_file(const char* path, std::string& out) {
    auto it = m_open_files.find(path);
    if (it == m_open_files.end()) {
        constexpr std::size_t max_open_files = 256;
        if (m_open_files.size() >= max_open_files) {
            return read_small_file(path, out);
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return false;
        }
        it = m_open_files.emplace(path, fd).first;
    }
    char buffer[4096];
    ssize_t n = pread(it->second, buffer, sizeof buffer - 1, 0);
    if (n <= 0) {
        close(it->second);
        m_open_files.erase(it);
        return false;
    }
    out.assign(buffer, std::size_t(n));
    return true;
}

TreeSampler::~TreeSampler() {
    for (const auto& [path, fd] : m_open_files) {
        close(fd);
    }
}

namespace {

struct StatFields {
    pid_t ppid = 0;
    std::uint64_t cpu_ticks = 0;
    std::uint64_t start_ticks = 0;
    std::int64_t rss_pages = 0;
    long threads = 0;
};

// /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so the
// fields are counted from the last ')'.
using FileReader = std::function<bool(const char*, std::string&)>;

bool read_stat(pid_t pid, StatFields& fields, const FileReader& read_file = read_small_file) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    std::string text;
    if (!read_file(path, text)) {
        return false;
    }
    std::size_t close_paren = text.rfind(')');
    if (close_paren == std::string::npos) {
        return false;
    }
    const char* cursor = text.c_str() + close_paren + 1;
    // Field numbers as in proc(5): 3 is the state, which comes first after the comm.
    for (int field = 3; field <= 24 && *cursor; ++field) {
        while (*cursor == ' ') {
            ++cursor;
        }
        char* end = nullptr;
        switch (field) {
        case 4:
            fields.ppid = pid_t(std::strtol(cursor, &end, 10));
            break;
        case 14:
        case 15:
            fields.cpu_ticks += std::strtoull(cursor, &end, 10);
            break;
        case 20:
            fields.threads = std::strtol(cursor, &end, 10);
            break;
        case 22:
            fields.start_ticks = std::strtoull(cursor, &end, 10);
            break;
        case 24:
            fields.rss_pages = std::strtoll(cursor, &end, 10);
            break;
        default:
            break;
        }
        while (*cursor && *cursor != ' ') {
            ++cursor;
        }
    }
    return true;
}

void append_children_listed_in(const char* children_path, std::vector<pid_t>& out,
                               const FileReader& read_file) {
    std::string text;
    if (!read_file(children_path, text)) {
        return;
    }
    const char* cursor = text.c_str();
    char* end = nullptr;
    for (long child = std::strtol(cursor, &end, 10); end != cursor;
         child = std::strtol(cursor, &end, 10)) {
        out.push_back(pid_t(child));
        cursor = end;
    }
}

// Children are listed per thread. Most processes of a build have one thread, whose children
// file is read directly; only a multi-threaded process costs a listing of its threads.
void append_children_from_files(pid_t pid, long threads, std::vector<pid_t>& out,
                                const FileReader& read_file) {
    if (threads == 1) {
        char children_path[64];
        std::snprintf(children_path, sizeof children_path, "/proc/%d/task/%d/children", int(pid),
                      int(pid));
        append_children_listed_in(children_path, out, read_file);
        return;
    }
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task", int(pid));
    DIR* tasks = opendir(path);
    if (!tasks) {
        return;
    }
    while (dirent* entry = readdir(tasks)) {
        if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) {
            continue;
        }
        char children_path[320];
        std::snprintf(children_path, sizeof children_path, "/proc/%d/task/%s/children", int(pid),
                      entry->d_name);
        append_children_listed_in(children_path, out, read_file);
    }
    closedir(tasks);
}

// Without the children files: one pass over every process, keeping those whose parent chain
// leads to `root`.
void append_descendants_by_scan(pid_t root, std::vector<pid_t>& out) {
    DIR* proc = opendir("/proc");
    if (!proc) {
        return;
    }
    std::unordered_map<pid_t, pid_t> parent_of;
    while (dirent* entry = readdir(proc)) {
        if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) {
            continue;
        }
        pid_t pid = pid_t(std::atoi(entry->d_name));
        StatFields fields;
        if (read_stat(pid, fields)) {
            parent_of[pid] = fields.ppid;
        }
    }
    closedir(proc);
    for (const auto& [pid, parent] : parent_of) {
        for (pid_t ancestor = parent; ancestor > 1;) {
            if (ancestor == root) {
                out.push_back(pid);
                break;
            }
            auto it = parent_of.find(ancestor);
            ancestor = it == parent_of.end() ? 0 : it->second;
        }
    }
}

} // namespace

TreeSampler::TreeSampler(pid_t root)
    : m_page_size(sysconf(_SC_PAGESIZE)), m_ticks_per_second(sysconf(_SC_CLK_TCK)), m_root(root) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(getpid()), int(getpid()));
    m_children_files = access(path, R_OK) == 0;
}

void TreeSampler::sample() {
    FileReader read_file = [this](const char* path, std::string& out) {
        return read_proc_file(path, out);
    };
    std::vector<pid_t> pending;
    if (m_root > 0) {
        pending.push_back(m_root);
        if (!m_children_files) {
            append_descendants_by_scan(m_root, pending);
        }
    } else if (m_children_files) {
        // farm's own thread count is not worth a read: list its threads.
        append_children_from_files(getpid(), 0, pending, read_file);
    } else {
        append_descendants_by_scan(getpid(), pending);
    }
    std::int64_t rss_bytes = 0;
    std::size_t processes = 0;
    while (!pending.empty()) {
        pid_t pid = pending.back();
        pending.pop_back();
        StatFields fields;
        if (!read_stat(pid, fields, read_file)) {
            continue; // exited since it was listed
        }
        ++processes;
        rss_bytes += fields.rss_pages * m_page_size;
        ProcessTimes& times = m_seen[pid];
        if (times.start_ticks != fields.start_ticks) {
            // A new process under a reused pid: keep the old one's time under a key no pid uses.
            if (times.cpu_ticks > 0) {
                m_seen[pid_t(-1 - pid_t(m_seen.size()))] = times;
            }
            times = ProcessTimes{fields.start_ticks, 0};
        }
        times.cpu_ticks = fields.cpu_ticks;
        if (m_children_files) {
            append_children_from_files(pid, fields.threads, pending, read_file);
        }
    }
    ++m_samples;
    m_max_processes = std::max(m_max_processes, processes);
    m_peak_rss_bytes = std::max(m_peak_rss_bytes, rss_bytes);
}

std::vector<pid_t> process_tree(pid_t root) {
    std::vector<pid_t> tree;
    if (!process_alive(root)) {
        return tree;
    }
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(getpid()), int(getpid()));
    if (access(path, R_OK) != 0) {
        tree.push_back(root);
        append_descendants_by_scan(root, tree);
        return tree;
    }
    std::vector<pid_t> pending = {root};
    while (!pending.empty()) {
        pid_t pid = pending.back();
        pending.pop_back();
        StatFields fields;
        if (!read_stat(pid, fields)) {
            continue;
        }
        tree.push_back(pid);
        append_children_from_files(pid, fields.threads, pending, read_small_file);
    }
    return tree;
}

bool process_alive(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    std::string text;
    if (pid <= 0 || !read_small_file(path, text)) {
        return false;
    }
    std::size_t close_paren = text.rfind(')');
    return close_paren != std::string::npos && close_paren + 2 < text.size() &&
           text[close_paren + 2] != 'Z' && text[close_paren + 2] != 'X';
}

double TreeSampler::cpu_seconds() const {
    std::uint64_t ticks = 0;
    for (const auto& [pid, times] : m_seen) {
        ticks += times.cpu_ticks;
    }
    return double(ticks) / double(m_ticks_per_second);
}

} // namespace farm::exec
