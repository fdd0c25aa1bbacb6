#include "farm/exec/service.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace farm::exec {

namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point after_seconds(double seconds) {
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

} // namespace

Service::Service(ChildCommand command, std::size_t kept_lines) : m_lines(kept_lines) {
    command.capture = true;
    int wake[2] = {-1, -1};
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno),
                    ExitCode::command_failed);
    }
    m_wake_read.reset(wake[0]);
    m_wake_write.reset(wake[1]);
    SpawnedChild child = spawn_child(command);
    m_pid = child.pid;
    m_started = child.started;
    m_stdout = std::move(child.stdout_read);
    m_stderr = std::move(child.stderr_read);
    m_pump = std::thread(&Service::pump, this, m_stdout.get(), m_stderr.get(), m_wake_read.get());
}

Service::~Service() {
    stop();
}

void Service::pump(int out_fd, int err_fd, int wake_fd) {
    char buffer[16 * 1024];
    bool out_open = true;
    bool err_open = true;
    bool woken = false;
    while ((out_open || err_open) && !woken) {
        pollfd fds[3] = {{out_open ? out_fd : -1, POLLIN, 0},
                         {err_open ? err_fd : -1, POLLIN, 0},
                         {wake_fd, POLLIN, 0}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_lines.append(std::string_view(buffer, std::size_t(n)), Clock::now());
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                (i == 0 ? out_open : err_open) = false;
            }
        }
        woken = fds[2].revents != 0;
    }
    // What the child wrote just before it ended is still in the pipes.
    for (bool more = true; more && (out_open || err_open);) {
        more = false;
        for (int fd : {out_open ? out_fd : -1, err_open ? err_fd : -1}) {
            pollfd p = {fd, POLLIN, 0};
            if (fd < 0 || poll(&p, 1, 0) <= 0) {
                continue;
            }
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n > 0) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_lines.append(std::string_view(buffer, std::size_t(n)), Clock::now());
                more = true;
            } else {
                (fd == out_fd ? out_open : err_open) = false;
            }
        }
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_lines.flush(Clock::now());
}

void Service::reap_nonblocking() {
    if (!m_reaped && waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
        m_reaped = true;
    }
}

bool Service::running() {
    reap_nonblocking();
    return !m_reaped;
}

std::string Service::describe_exit() {
    if (running()) {
        return "running";
    }
    if (WIFSIGNALED(m_status)) {
        const char* name = sigabbrev_np(WTERMSIG(m_status));
        return std::string("killed by ") +
               (name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(m_status)));
    }
    int code = WEXITSTATUS(m_status);
    return "exit code " + std::to_string(code) + (code == 127 ? " (command not found)" : "");
}

std::vector<OutputLine> Service::lines_after(std::uint64_t sequence) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lines.lines_after(sequence);
}

std::vector<std::string> Service::last_lines(std::size_t count) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lines.last_lines(count);
}

std::uint64_t Service::last_sequence() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lines.last_sequence();
}

void Service::stop(double grace_s) {
    if (m_stopped) {
        return;
    }
    m_stopped = true;
    // Processes that left the group (a daemon that called setsid) are found through the tree
    // while its parents still hold it together, before anything is signalled.
    std::vector<pid_t> tree = process_tree(m_pid);
    std::vector<pid_t> outside;
    for (pid_t p : tree) {
        if (getpgid(p) != m_pid) {
            outside.push_back(p);
        }
    }
    auto signal_all = [&](int signal_number) {
        kill(-m_pid, signal_number);
        for (pid_t p : outside) {
            kill(p, signal_number);
        }
    };
    auto reap_and_check = [&]() {
        reap_nonblocking();
        // Orphans of the group that farm adopted as subreaper.
        while (waitpid(-m_pid, nullptr, WNOHANG) > 0) {
        }
        for (pid_t p : outside) {
            waitpid(p, nullptr, WNOHANG);
        }
        bool any = kill(-m_pid, 0) == 0;
        for (pid_t p : outside) {
            any = any || process_alive(p);
        }
        return any;
    };
    signal_all(SIGTERM);
    signal_all(SIGCONT); // a stopped process cannot act on SIGTERM
    Clock::time_point kill_at = after_seconds(grace_s);
    bool any_left = reap_and_check();
    while (any_left && Clock::now() < kill_at) {
        usleep(5000);
        any_left = reap_and_check();
    }
    if (any_left) {
        signal_all(SIGKILL);
        // A process just sent SIGKILL is still exiting for a moment; bounded for one stuck in
        // the kernel.
        Clock::time_point give_up = after_seconds(2.0);
        while (reap_and_check() && Clock::now() < give_up) {
            usleep(2000);
        }
    }
    if (!m_reaped) {
        waitpid(m_pid, &m_status, 0);
        m_reaped = true;
    }
    // The pipes may stay open in a process that escaped everything above; the pump is told to
    // finish instead of waiting for their end.
    char byte = 1;
    [[maybe_unused]] ssize_t ignored = write(m_wake_write.get(), &byte, 1);
    if (m_pump.joinable()) {
        m_pump.join();
    }
}

} // namespace farm::exec
