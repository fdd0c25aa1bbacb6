#include "farm/exec/spawn.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/child_life.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <spawn.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char** environ;

namespace farm::exec {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        reset(other.m_fd);
        other.m_fd = -1;
    }
    return *this;
}

void FileDescriptor::reset(int fd) {
    if (m_fd >= 0) {
        close(m_fd);
    }
    m_fd = fd;
}

namespace {

std::vector<std::string> environment_for(const ChildCommand& command) {
    std::vector<std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view item(*entry);
        bool replaced =
            std::any_of(command.extra_env.begin(), command.extra_env.end(), [&](const auto& kv) {
                return item.size() > kv.first.size() && item.starts_with(kv.first) &&
                       item[kv.first.size()] == '=';
            });
        if (!replaced) {
            env.emplace_back(item);
        }
    }
    for (const auto& [key, value] : command.extra_env) {
        env.push_back(key + "=" + value);
    }
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (std::string& s : strings) {
        pointers.push_back(s.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

// PATH is searched once per command name, not once per run: posix_spawnp would try every
// folder of PATH with a failing execve in the child each time, and that cost would land inside
// the measured time (about 0.3 ms a run with a long PATH).
std::string resolve_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, std::string> cache;
    const char* path_env = std::getenv("PATH");
    std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_pair(path, name);
    if (auto it = cache.find(key); it != cache.end()) {
        return it->second;
    }
    std::string found;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t colon = path.find(':', start);
        if (colon == std::string::npos) {
            colon = path.size();
        }
        std::string dir = path.substr(start, colon - start);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat info {};
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            access(candidate.c_str(), X_OK) == 0) {
            found = candidate;
            break;
        }
        start = colon + 1;
    }
    if (!found.empty()) {
        cache[key] = found;
    }
    return found;
}

void make_pipe(FileDescriptor& read_end, FileDescriptor& write_end) {
    int ends[2] = {-1, -1};
    if (pipe2(ends, O_CLOEXEC) != 0) {
        throw Error(std::string("cannot create pipes for the child: ") + std::strerror(errno),
                    ExitCode::command_failed);
    }
    read_end.reset(ends[0]);
    write_end.reset(ends[1]);
}

// /dev/null, opened once for reading and once for writing and handed to every child with dup2:
// an open() in the child would walk the path on every run, inside the measured time. The
// descriptors are close-on-exec in farm; dup2 gives the child copies without that flag.
int dev_null_fd(int flags) {
    static const int read_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    static const int write_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return flags == O_RDONLY ? read_fd : write_fd;
}

// Opens `path` as the child's descriptor `target`: /dev/null by dup2 of farm's own, anything else
// by open() in the child (so that a file is truncated at each start).
void add_open(posix_spawn_file_actions_t& actions, int target, const std::filesystem::path& path,
              int flags) {
    int null_fd = path == "/dev/null" ? dev_null_fd(flags == O_RDONLY ? O_RDONLY : O_WRONLY) : -1;
    if (null_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, null_fd, target);
    } else {
        posix_spawn_file_actions_addopen(&actions, target, path.c_str(), flags, 0644);
    }
}

} // namespace

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return int(syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

SpawnedChild spawn_child(const ChildCommand& command) {
    if (command.argv.empty()) {
        throw UsageError("no command to run: give it after `--`");
    }
    std::vector<std::string> argv = command.argv;
    if (command.use_shell) {
        std::string line;
        for (const std::string& word : command.argv) {
            line += (line.empty() ? "" : " ") + word;
        }
        argv = {"sh", "-c", line};
    }
    if (!command.cwd.empty() && !std::filesystem::is_directory(command.cwd)) {
        throw UsageError("the folder to run in does not exist: " + command.cwd.string());
    }
    std::vector<std::string> env = environment_for(command);
    std::vector<char*> argv_c = c_strings(argv);
    std::vector<char*> env_c = c_strings(env);

    SpawnedChild child;
    FileDescriptor out_write, err_write;
    if (command.capture) {
        make_pipe(child.stdout_read, out_write);
        make_pipe(child.stderr_read, err_write);
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    add_open(actions, STDIN_FILENO, command.input_file, O_RDONLY);
    if (command.capture) {
        posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
    } else if (!command.output_file.empty()) {
        add_open(actions, STDOUT_FILENO, command.output_file, O_WRONLY | O_CREAT | O_TRUNC);
        add_open(actions, STDERR_FILENO, "/dev/null", O_WRONLY);
    }
    if (!command.cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, command.cwd.c_str());
    }
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Every signal the child could inherit as ignored (SIGINT and SIGQUIT from a shell's
    // background job, SIGCHLD from a supervisor, SIGPIPE from farm) starts at its default; only
    // an ignored SIGHUP stays so, as nohup asked for the whole command.
    sigset_t defaults;
    sigfillset(&defaults);
    struct sigaction hangup {};
    if (sigaction(SIGHUP, nullptr, &hangup) == 0 && hangup.sa_handler == SIG_IGN) {
        sigdelset(&defaults, SIGHUP);
    }
    sigset_t no_mask;
    sigemptyset(&no_mask);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &no_mask);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETSIGMASK);

    std::string executable = resolve_executable(argv[0]);
    child.started = std::chrono::steady_clock::now();
    int rc = executable.empty()
                 ? ENOENT
                 : spawn_claimed(
                       [&](pid_t* pid) {
                           return posix_spawn(pid, executable.c_str(), &actions, &attributes,
                                              argv_c.data(), env_c.data());
                       },
                       &child.pid);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        std::string what = rc == ENOENT ? "command not found" : std::strerror(rc);
        throw CommandError("cannot start `" + argv[0] + "`: " + what +
                           (rc == ENOENT ? " (check the name and PATH, or use --shell for a "
                                           "shell built-in or pipeline)"
                                         : ""));
    }
    return child;
}

} // namespace farm::exec
