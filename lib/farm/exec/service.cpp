#include "farm/exec/service.hpp"

#include "farm/core/error.hpp"

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
    m_life = std::make_unique<ChildLife>(m_pid, Reach::tree);
    m_pipes = std::make_unique<OutputPipes>(
        std::move(child.stdout_read), std::move(child.stderr_read),
        [this](bool from_stdout, std::string_view piece) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_lines.append(piece, Clock::now(),
                           from_stdout ? LineRing::Stream::out : LineRing::Stream::err);
        });
    m_pump = std::thread(&Service::pump, this);
}

Service::~Service() {
    stop();
}

// Reads both pipes as they fill until they end or stop() wakes it; what the child wrote just
// before it ended is still read then.
void Service::pump() {
    bool woken = false;
    while (m_pipes->open() && !woken) {
        pollfd fds[3];
        nfds_t pipe_count = m_pipes->add_to(fds);
        fds[pipe_count] = {m_wake_read.get(), POLLIN, 0};
        if (poll(fds, pipe_count + 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        m_pipes->read_ready(fds, pipe_count);
        woken = fds[pipe_count].revents != 0;
    }
    m_pipes->read_available();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_lines.flush(Clock::now());
    }
    m_output_ended = !m_pipes->open();
}

void Service::wait_for_output(double max_s) {
    Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(max_s));
    while (!m_output_ended && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

bool Service::running() {
    return !m_life->poll_exit();
}

std::string Service::describe_exit() {
    if (running()) {
        return "running";
    }
    if (!m_life->status_known()) {
        return "exit status unknown";
    }
    int status = m_life->status();
    if (WIFSIGNALED(status)) {
        const char* name = sigabbrev_np(WTERMSIG(status));
        return std::string("killed by ") +
               (name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(status)));
    }
    int code = WEXITSTATUS(status);
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
    m_life->stop(SIGTERM, grace_s);
    m_life->finish(grace_s);
    reap_stray_zombies();
    // The pipes may stay open in a process that escaped everything above; the pump is told to
    // finish instead of waiting for their end.
    char byte = 1;
    [[maybe_unused]] ssize_t ignored = write(m_wake_write.get(), &byte, 1);
    if (m_pump.joinable()) {
        m_pump.join();
    }
}

} // namespace farm::exec
