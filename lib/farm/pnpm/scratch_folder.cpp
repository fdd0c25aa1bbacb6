#include "farm/pnpm/scratch_folder.hpp"

#include "farm/core/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

extern char** environ;

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
// deleting process takes the lowest best-effort I/O level. Not the idle I/O class nor nice 19:
// on a busy machine those starve it, and it then holds the disk space long after farm's call.
void lower_io_priority(pid_t pid) {
#ifdef SYS_ioprio_set
    constexpr int who_process = 1, class_best_effort = 2, class_shift = 13, lowest_level = 7;
    syscall(SYS_ioprio_set, who_process, int(pid),
            (class_best_effort << class_shift) | lowest_level);
#else
    (void)pid;
#endif
}

// The deleting process: $1 is the scratch folder. Each line of its stdin names a folder inside
// the scratch folder; at the end of its input (farm is done with the scratch folder) it removes
// the scratch folder itself. Never the .farm folder around it, even one this call created: the
// deletion outlives the call, and a farm started meanwhile may be about to put its history there.
const char* const deleter_script = "cd -- \"$1\" || exit 1\n"
                                   "while IFS= read -r folder; do rm -rf -- \"$folder\"; done\n"
                                   "cd / && rm -rf -- \"$1\"\n"
                                   "exit 0\n";

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += std::size_t(n);
    }
    return true;
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
    fs::create_directory(farm_folder, ec);
    std::string pattern = (farm_folder / (std::string(k_prefix) + "XXXXXX")).string();
    if (ec || mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create farm's scratch folder in " + farm_folder.string() +
                    " (the cold install's store lives there, on the project's file system): " +
                    (ec ? ec.message() : std::string(std::strerror(errno))));
    }
    m_path = pattern;
    m_lock_fd = lock_owner_file(m_path);
    fs::create_directory(m_path / "trash", ec);
    start_deleter();
}

void ScratchFolder::start_deleter() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return; // no deleting process: discard() deletes in place
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (m_lock_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, m_lock_fd, 3); // it holds the lock after farm
    }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&actions, 4); // nothing else of farm's is kept open
#endif
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) {
        sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::string path = m_path.string();
    std::vector<char*> argv = {const_cast<char*>("sh"),
                               const_cast<char*>("-c"),
                               const_cast<char*>(deleter_script),
                               const_cast<char*>("farm-scratch-deleter"),
                               path.data(),
                               nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        return;
    }
    lower_io_priority(pid);
    m_deleter_input = fds[1];
}

ScratchFolder::~ScratchFolder() {
    std::error_code ec;
    if (m_deleter_input >= 0) {
        close(m_deleter_input); // the end of its input: it removes the folder when it is done
    } else {
        fs::remove_all(m_path, ec);
    }
    if (m_lock_fd >= 0) {
        close(m_lock_fd); // the deleting process keeps its own copy of the lock
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
    std::string line = fs::relative(aside, m_path).string() + "\n";
    if (m_deleter_input < 0 || !write_all(m_deleter_input, line)) {
        fs::remove_all(aside, ec); // no deleting process: here and now
    }
    return true;
}

namespace {

// Polls until `done` holds, for at most two minutes (a deletion on a busy disk): for tests.
template <class Done>
bool wait_until(Done done) {
    for (int i = 0; i < 6000 && !done(); ++i) {
        usleep(20000);
    }
    return done();
}

} // namespace

void ScratchFolder::wait_for_deletions() {
    wait_until([this] {
        std::error_code ec;
        return fs::is_empty(m_path / "trash", ec) || ec;
    });
}

void ScratchFolder::wait_until_removed(const fs::path& path) {
    wait_until([&] {
        std::error_code ec;
        return !fs::exists(fs::symlink_status(path, ec));
    });
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
