// Starting a child the way every part of exec/ does: posix_spawn of a resolved executable (or
// `sh -c`), in a process group of its own whose id is its pid, stdin from /dev/null (or a file),
// default signal dispositions and an empty signal mask, stdout and stderr through pipes when
// captured, else to a file, /dev/null or farm's own. Shared by run_process (one measured child) and
// Service (a long-running one).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace farm::exec {

// Owns a file descriptor; closes it when destroyed or reset.
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    ~FileDescriptor() { reset(); }
    int get() const { return m_fd; }
    void reset(int fd = -1);

  private:
    int m_fd = -1;
};

struct ChildCommand {
    std::vector<std::string> argv; // argv[0] is looked up in PATH
    bool use_shell = false;        // run `sh -c "argv joined"` instead
    std::filesystem::path cwd;     // empty: farm's current folder
    std::vector<std::pair<std::string, std::string>> extra_env;
    bool capture = true; // pipes for stdout and stderr; otherwise see output_file
    // Not captured: stdout goes to this file, created or truncated (stderr to /dev/null; both
    // when it is /dev/null); empty: farm's own stdout and stderr are inherited.
    std::filesystem::path output_file;
    std::filesystem::path input_file = "/dev/null"; // the child's stdin
};

struct SpawnedChild {
    pid_t pid = 0; // also the id of its process group
    std::chrono::steady_clock::time_point started{};
    FileDescriptor stdout_read; // -1 when not captured
    FileDescriptor stderr_read;
};

// Throws farm::UsageError for an empty command or a missing folder, farm::CommandError for a
// command that cannot be started ("command not found").
SpawnedChild spawn_child(const ChildCommand& command);

// A pidfd for `pid` (readable when it exits), -1 where the kernel has none.
int open_pidfd(pid_t pid);

} // namespace farm::exec
