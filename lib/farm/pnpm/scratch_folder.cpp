#include "farm/pnpm/scratch_folder.hpp"

#include "farm/core/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_prefix = "pnpm-scratch-";
constexpr const char* k_lock = "owner.lock";

bool is_inside(const fs::path& path, const fs::path& folder) {
    fs::path relative = path.lexically_normal().lexically_relative(folder.lexically_normal());
    return !relative.empty() && *relative.begin() != ".." && *relative.begin() != ".";
}

// Deleting a big node_modules is metadata work that competes with the install being timed: the
// deleting thread takes the lowest best-effort I/O level. Not the idle I/O class nor nice 19:
// on a busy machine those starve it, and the call then waits at its end for what is left (an
// unprivileged thread cannot raise its priority back).
void lower_this_thread_priority() {
#ifdef SYS_ioprio_set
    auto tid = static_cast<int>(syscall(SYS_gettid));
    constexpr int who_process = 1, class_best_effort = 2, class_shift = 13, lowest_level = 7;
    syscall(SYS_ioprio_set, who_process, tid, (class_best_effort << class_shift) | lowest_level);
#endif
}

// A lock file held (flock) for the owner's lifetime; -1 when it cannot be made.
int lock_owner_file(const fs::path& folder) {
    int fd = open((folder / k_lock).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

} // namespace

ScratchFolder::ScratchFolder(const fs::path& project_root)
    : m_root(fs::absolute(project_root).lexically_normal()) {
    fs::path farm_folder = m_root / ".farm";
    std::error_code ec;
    m_created_farm_folder = fs::create_directory(farm_folder, ec);
    std::string pattern = (farm_folder / (std::string(k_prefix) + "XXXXXX")).string();
    if (ec || mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create farm's scratch folder in " + farm_folder.string() +
                    " (the cold install's store lives there, on the project's file system): " +
                    (ec ? ec.message() : std::string(std::strerror(errno))));
    }
    m_path = pattern;
    m_lock_fd = lock_owner_file(m_path);
    fs::create_directory(m_path / "trash", ec);
    m_worker = std::thread([this] { delete_in_background(); });
}

ScratchFolder::~ScratchFolder() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_worker.join();
    std::error_code ec;
    fs::remove_all(m_path, ec);
    if (m_lock_fd >= 0) {
        close(m_lock_fd);
    }
    if (m_created_farm_folder) {
        fs::remove(m_root / ".farm", ec); // only when empty: farm may have put its history there
    }
}

bool ScratchFolder::discard(const fs::path& folder) {
    fs::path target = fs::absolute(folder).lexically_normal();
    bool project_node_modules = target.filename() == "node_modules" && is_inside(target, m_root);
    if ((!project_node_modules && !is_inside(target, m_path)) ||
        is_inside(target, m_path / "trash")) {
        return false;
    }
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(target, ec))) {
        return true;
    }
    fs::path aside = m_path / "trash" / std::to_string(m_discarded++);
    fs::rename(target, aside, ec);
    if (ec) { // another file system (a mounted package folder): delete it here and now
        fs::remove_all(target, ec);
        return true;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(aside);
    }
    m_changed.notify_all();
    return true;
}

void ScratchFolder::wait_for_deletions() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_queue.empty() && !m_busy; });
}

void ScratchFolder::delete_in_background() {
    lower_this_thread_priority();
    std::unique_lock<std::mutex> lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty()) {
            return; // stopping, with nothing left to delete
        }
        fs::path next = m_queue.front();
        m_queue.pop_front();
        m_busy = true;
        lock.unlock();
        std::error_code ec;
        fs::remove_all(next, ec);
        lock.lock();
        m_busy = false;
        m_changed.notify_all();
    }
}

std::size_t ScratchFolder::remove_abandoned(const fs::path& project_root) {
    fs::path farm_folder = project_root / ".farm";
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(farm_folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& folder = it->path();
        if (!folder.filename().string().starts_with(k_prefix) || !it->is_directory(ec)) {
            continue;
        }
        int fd = lock_owner_file(folder);
        if (fd < 0) {
            continue; // a live farm owns it
        }
        std::error_code remove_ec;
        fs::remove_all(folder, remove_ec);
        close(fd);
        removed += remove_ec ? 0 : 1;
    }
    return removed;
}

} // namespace farm::pnpm
