#include "farm/exec/process.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/exec/spawn.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace farm::exec {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t tail_bytes = 16 * 1024;

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double timeval_seconds(const timeval& tv) {
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

void keep_tail(std::string& tail, const char* data, std::size_t size) {
    tail.append(data, size);
    if (tail.size() > 2 * tail_bytes) {
        tail.erase(0, tail.size() - tail_bytes);
    }
}

// Ends what is left of a process group: `first` now, SIGKILL when the grace period is over.
struct GroupStopper {
    pid_t group = 0;
    bool stopping = false;
    Clock::time_point kill_at{};
    bool killed = false;

    void stop(int first, double grace_s) {
        if (stopping) {
            return;
        }
        stopping = true;
        kill(-group, first);
        kill(-group, SIGCONT); // a stopped process cannot act on SIGTERM
        kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(grace_s));
    }
    void kill_if_due(Clock::time_point now) {
        if (stopping && !killed && now >= kill_at) {
            kill(-group, SIGKILL);
            killed = true;
        }
    }
};

} // namespace

void become_subreaper() {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

std::string ProcessResult::describe_failure() const {
    if (interrupted) {
        return "interrupted";
    }
    if (timed_out) {
        return "timed out";
    }
    if (signal != 0) {
        const char* name = sigabbrev_np(signal);
        return std::string("killed by ") +
               (name ? std::string("SIG") + name : "signal " + std::to_string(signal));
    }
    return "exit code " + std::to_string(exit_code);
}

ProcessResult run_process(const SpawnOptions& options) {
    ChildCommand command{options.argv,
                         options.use_shell,
                         options.cwd,
                         options.extra_env,
                         options.output == OutputMode::capture,
                         output_path_for(options),
                         options.input_file};
    SpawnedChild child = spawn_child(command);
    pid_t pid = child.pid;
    Clock::time_point start = child.started;
    FileDescriptor& out_read = child.stdout_read;
    FileDescriptor& err_read = child.stderr_read;
    ProcessResult result;
    FileDescriptor pidfd(open_pidfd(pid));

    TreeSampler sampler;
    GroupStopper stopper{pid};
    Clock::duration sample_period =
        options.sample_hz > 0 ? std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(1.0 / options.sample_hz))
                              : Clock::duration::max();
    Clock::time_point next_sample =
        options.sample_hz > 0 ? start + sample_period : Clock::time_point::max();
    Clock::time_point deadline = options.timeout_s > 0
                                     ? start + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(options.timeout_s))
                                     : Clock::time_point::max();

    char buffer[64 * 1024];
    auto read_pipe = [&](FileDescriptor& fd, bool is_stdout) {
        ssize_t n = read(fd.get(), buffer, sizeof buffer);
        if (n > 0) {
            std::size_t size = std::size_t(n);
            if (is_stdout) {
                keep_tail(result.stdout_tail, buffer, size);
                if (options.on_stdout) {
                    options.on_stdout(std::string_view(buffer, size));
                }
            } else {
                keep_tail(result.stderr_tail, buffer, size);
                if (options.on_stderr) {
                    options.on_stderr(std::string_view(buffer, size));
                }
            }
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            fd.reset();
        }
    };

    int status = 0;
    rusage usage{};
    bool reaped = false;
    Clock::time_point end{};
    while (!reaped) {
        Clock::time_point now = Clock::now();
        if (now >= next_sample) {
            sampler.sample();
            next_sample += sample_period;
            if (next_sample < now) {
                next_sample = now + sample_period;
            }
        }
        if (now >= deadline && !stopper.stopping) {
            result.timed_out = true;
            stopper.stop(SIGTERM, options.kill_grace_s);
        }
        stopper.kill_if_due(now);

        // Once the group is being stopped the deadline is behind us and no longer a reason to wake:
        // left in, its past time would make every poll return at once and spin a core for the
        // whole grace period, taking CPU from the very processes being stopped.
        Clock::time_point stop_wake = !stopper.stopping ? deadline
                                      : !stopper.killed ? stopper.kill_at
                                                        : Clock::time_point::max();
        Clock::time_point wake = std::min(next_sample, stop_wake);
        int timeout_ms = -1;
        if (wake != Clock::time_point::max()) {
            timeout_ms = int(std::max<long long>(
                0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
        }
        if (pidfd.get() < 0) {
            timeout_ms = timeout_ms < 0 ? 2 : std::min(timeout_ms, 2);
        }
        pollfd fds[4];
        nfds_t count = 0;
        int out_index = -1, err_index = -1, interrupt_index = -1;
        if (out_read.get() >= 0) {
            out_index = int(count);
            fds[count++] = {out_read.get(), POLLIN, 0};
        }
        if (err_read.get() >= 0) {
            err_index = int(count);
            fds[count++] = {err_read.get(), POLLIN, 0};
        }
        if (interrupt_fd() >= 0 && !result.interrupted) {
            interrupt_index = int(count);
            fds[count++] = {interrupt_fd(), POLLIN, 0};
        }
        if (pidfd.get() >= 0) {
            fds[count++] = {pidfd.get(), POLLIN, 0};
        }
        if (poll(fds, count, timeout_ms) < 0 && errno != EINTR) {
            // Should not happen; revents stay 0 and wait4 below still ends the loop.
            usleep(1000);
        }
        if (out_index >= 0 && fds[out_index].revents) {
            read_pipe(out_read, true);
        }
        if (err_index >= 0 && fds[err_index].revents) {
            read_pipe(err_read, false);
        }
        if ((interrupt_index >= 0 && fds[interrupt_index].revents) ||
            (interrupted() && !result.interrupted)) {
            result.interrupted = true;
            stopper.stop(interrupt_signal() == SIGINT ? SIGINT : SIGTERM, options.kill_grace_s);
        }
        pid_t waited = wait4(pid, &status, WNOHANG, &usage);
        if (waited == pid) {
            end = Clock::now();
            reaped = true;
        }
    }

    // What the command left behind in its group is ended, so that nothing outlives the run.
    if (kill(-pid, 0) == 0) {
        stopper.stop(SIGTERM, std::min(options.kill_grace_s, 0.5));
    }
    Clock::time_point drain_until = Clock::now() + std::chrono::milliseconds(1500);
    while ((out_read.get() >= 0 || err_read.get() >= 0) && Clock::now() < drain_until) {
        pollfd fds[2];
        nfds_t count = 0;
        if (out_read.get() >= 0) {
            fds[count++] = {out_read.get(), POLLIN, 0};
        }
        if (err_read.get() >= 0) {
            fds[count++] = {err_read.get(), POLLIN, 0};
        }
        if (poll(fds, count, 50) > 0) {
            for (nfds_t i = 0; i < count; ++i) {
                if (fds[i].revents) {
                    bool is_out = fds[i].fd == out_read.get();
                    read_pipe(is_out ? out_read : err_read, is_out);
                }
            }
        }
        stopper.kill_if_due(Clock::now());
    }
    if (stopper.stopping) {
        while (kill(-pid, 0) == 0 && Clock::now() < stopper.kill_at) {
            while (waitpid(-pid, nullptr, WNOHANG) > 0) {
            }
            usleep(5000);
        }
        if (kill(-pid, 0) == 0) {
            kill(-pid, SIGKILL);
        }
    }
    // Orphans of the group that farm adopted as subreaper. A process just sent SIGKILL is still
    // exiting for a moment, so WNOHANG alone would miss it and leave a zombie that no later run
    // reaps (and whose CPU time the next run's sampler would count as its own): wait until none
    // of farm's children is left in the group (ECHILD), bounded for a process stuck in the kernel.
    Clock::time_point reap_until = Clock::now() + std::chrono::seconds(2);
    for (;;) {
        pid_t orphan = waitpid(-pid, nullptr, WNOHANG);
        if (orphan > 0 || (orphan < 0 && errno == EINTR)) {
            continue;
        }
        if (orphan < 0 || Clock::now() >= reap_until) {
            break;
        }
        usleep(1000);
    }

    result.wall_s = seconds_between(start, end);
    result.user_s = timeval_seconds(usage.ru_utime);
    result.sys_s = timeval_seconds(usage.ru_stime);
    result.max_rss_bytes = std::int64_t(usage.ru_maxrss) * 1024;
    result.tree_peak_rss_bytes = std::max(sampler.peak_rss_bytes(), result.max_rss_bytes);
    result.tree_cpu_s = std::max(sampler.cpu_seconds(), result.user_s + result.sys_s);
    result.tree_samples = sampler.samples_taken();
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

} // namespace farm::exec
