// Helpers shared by the exec tests that run real children: pid files, "gone" checks and the
// clean-up of what a failed test left behind.
#pragma once

#include "farm/exec/interrupt.hpp"
#include "farm/exec/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace exec_test {

inline farm::exec::SpawnOptions shell(const std::string& script) {
    farm::exec::SpawnOptions options;
    options.argv = {"sh", "-c", script};
    return options;
}

struct Timed {
    farm::exec::ProcessResult result;
    double seconds = 0;
};

inline Timed timed_run(const farm::exec::SpawnOptions& options) {
    auto start = std::chrono::steady_clock::now();
    Timed timed;
    timed.result = farm::exec::run_process(options);
    timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return timed;
}

inline std::vector<pid_t> read_pids(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<pid_t> pids;
    long pid = 0;
    while (in >> pid) {
        pids.push_back(pid_t(pid));
    }
    return pids;
}

// Gone means no process at all under that pid, not even a zombie waiting to be reaped.
inline bool pid_gone(pid_t pid) {
    return kill(pid, 0) == -1 && errno == ESRCH;
}
inline bool group_gone(pid_t group) {
    return kill(-group, 0) == -1 && errno == ESRCH;
}

// Whatever a failed test left behind is killed and reaped, so that it cannot disturb the next.
inline void kill_and_reap_group(pid_t group) {
    if (group > 0 && kill(-group, SIGKILL) == 0) {
        while (waitpid(-group, nullptr, 0) > 0) {
        }
    }
}

// Undoes an interrupt test: the thread that sent the signal is joined first, so that no signal
// can arrive after the flag is cleared, and the flag is cleared even when a check failed.
struct InterruptGuard {
    std::thread sender;
    InterruptGuard() = default;
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    ~InterruptGuard() {
        if (sender.joinable()) {
            sender.join();
        }
        farm::exec::reset_interrupt();
    }
};

} // namespace exec_test
