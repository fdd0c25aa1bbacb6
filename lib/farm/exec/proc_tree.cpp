#include "farm/exec/proc_tree.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_map>

namespace farm::exec {

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

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields are counted
// from the last ')'.
bool read_proc_stat(pid_t pid, ProcStat& stat, const ProcReader& read) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    std::string text;
    if (pid <= 0 || !read(path, text)) {
        return false;
    }
    std::size_t close_paren = text.rfind(')');
    if (close_paren == std::string::npos) {
        return false;
    }
    stat = ProcStat{};
    const char* cursor = text.c_str() + close_paren + 1;
    for (int field = 3; field <= 24 && *cursor; ++field) {
        while (*cursor == ' ') {
            ++cursor;
        }
        char* end = nullptr;
        switch (field) {
        case 3:
            stat.state = *cursor;
            break;
        case 4:
            stat.ppid = pid_t(std::strtol(cursor, &end, 10));
            break;
        case 14:
        case 15:
            stat.cpu_ticks += std::strtoull(cursor, &end, 10);
            break;
        case 20:
            stat.threads = std::strtol(cursor, &end, 10);
            break;
        case 22:
            stat.start_ticks = std::strtoull(cursor, &end, 10);
            break;
        case 24:
            stat.rss_pages = std::strtoll(cursor, &end, 10);
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

namespace {

bool kernel_lists_children() {
    static const bool listed = [] {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(getpid()), int(getpid()));
        return access(path, R_OK) == 0;
    }();
    return listed;
}

void append_children_listed_in(const char* children_path, std::vector<pid_t>& out,
                               const ProcReader& read) {
    std::string text;
    if (!read(children_path, text)) {
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
// file is read directly; a multi-threaded process (or farm, threads 0) costs a listing of them.
void append_children_from_files(pid_t pid, long threads, std::vector<pid_t>& out,
                                const ProcReader& read) {
    char path[320];
    if (threads == 1) {
        std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(pid), int(pid));
        append_children_listed_in(path, out, read);
        return;
    }
    std::snprintf(path, sizeof path, "/proc/%d/task", int(pid));
    DIR* tasks = opendir(path);
    if (!tasks) {
        return;
    }
    while (dirent* entry = readdir(tasks)) {
        if (std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) {
            std::snprintf(path, sizeof path, "/proc/%d/task/%s/children", int(pid), entry->d_name);
            append_children_listed_in(path, out, read);
        }
    }
    closedir(tasks);
}

using ChildrenMap = std::unordered_map<pid_t, std::vector<pid_t>>;

// Without the children files: one pass over every process.
ChildrenMap children_by_scan() {
    ChildrenMap children;
    DIR* proc = opendir("/proc");
    if (!proc) {
        return children;
    }
    while (dirent* entry = readdir(proc)) {
        if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) {
            continue;
        }
        pid_t pid = pid_t(std::atoi(entry->d_name));
        ProcStat stat;
        if (read_proc_stat(pid, stat)) {
            children[stat.ppid].push_back(pid);
        }
    }
    closedir(proc);
    return children;
}

} // namespace

void walk_process_tree(pid_t root, const ProcVisitor& visit, const ProcReader& read) {
    bool from_files = kernel_lists_children();
    ChildrenMap scanned = from_files ? ChildrenMap{} : children_by_scan();
    auto append_children = [&](pid_t pid, long threads, std::vector<pid_t>& out) {
        if (from_files) {
            append_children_from_files(pid, threads, out, read);
        } else if (auto it = scanned.find(pid); it != scanned.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
        }
    };
    std::vector<pid_t> pending;
    if (root > 0) {
        pending.push_back(root);
    } else {
        append_children(getpid(), 0, pending);
    }
    while (!pending.empty()) {
        pid_t pid = pending.back();
        pending.pop_back();
        ProcStat stat;
        if (read_proc_stat(pid, stat, read) && visit(pid, stat)) {
            append_children(pid, stat.threads, pending);
        }
    }
}

std::vector<pid_t> process_tree(pid_t root) {
    std::vector<pid_t> tree;
    if (process_alive(root)) {
        walk_process_tree(root, [&](pid_t pid, const ProcStat&) {
            tree.push_back(pid);
            return true;
        });
    }
    return tree;
}

bool process_alive(pid_t pid) {
    ProcStat stat;
    return read_proc_stat(pid, stat) && !stat.zombie();
}

std::vector<pid_t> zombie_children() {
    std::vector<pid_t> zombies;
    walk_process_tree(0, [&](pid_t pid, const ProcStat& stat) {
        if (stat.zombie()) {
            zombies.push_back(pid);
        }
        return false;
    });
    return zombies;
}

} // namespace farm::exec
