#include "farm/exec/process.hpp"

#include "farm/exec/child_life.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/exec/pipes.hpp"
#include "farm/exec/spawn.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace farm::exec {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t tail_bytes = 16 * 1024;

Clock::duration as_duration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double timeval_seconds(const timeval& tv) {
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

void keep_tail(std::string& tail, std::string_view piece) {
    tail.append(piece);
    if (tail.size() > 2 * tail_bytes) {
        tail.erase(0, tail.size() - tail_bytes);
    }
}

OutputPipes::Sink keep_and_forward(const SpawnOptions& options, ProcessResult& result) {
    return [&options, &result](bool from_stdout, std::string_view piece) {
        keep_tail(from_stdout ? result.stdout_tail : result.stderr_tail, piece);
        const auto& callback = from_stdout ? options.on_stdout : options.on_stderr;
        if (callback) {
            callback(piece);
        }
    };
}

// When the tree is sampled next; max when sampling is off.
struct SampleClock {
    Clock::duration period = Clock::duration::max();
    Clock::time_point next = Clock::time_point::max();

    SampleClock(double hz, Clock::time_point start) {
        if (hz > 0) {
            period = as_duration(1.0 / hz);
            next = start + period;
        }
    }
    bool due(Clock::time_point now) {
        if (now < next) {
            return false;
        }
        next += period;
        if (next < now) {
            next = now + period; // a late sample does not bring a burst of catch-up samples
        }
        return true;
    }
};

int poll_timeout_ms(Clock::time_point wake, Clock::time_point now, bool have_exit_fd) {
    int timeout_ms = -1;
    if (wake != Clock::time_point::max()) {
        timeout_ms = int(std::max<long long>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
    }
    // Without a pidfd nothing wakes the poll when the child exits: look every 2 ms.
    if (!have_exit_fd) {
        timeout_ms = timeout_ms < 0 ? 2 : std::min(timeout_ms, 2);
    }
    return timeout_ms;
}

// The running and stopping stages: reads the pipes, samples the tree, starts stopping at the
// deadline or on an interrupt, until the leader is reaped.
void wait_for_exit(ChildLife& life, OutputPipes& pipes, TreeSampler& sampler,
                   const SpawnOptions& options, Clock::time_point start, ProcessResult& result) {
    SampleClock samples(options.sample_hz, start);
    Clock::time_point deadline =
        options.timeout_s > 0 ? start + as_duration(options.timeout_s) : Clock::time_point::max();
    do {
        Clock::time_point now = Clock::now();
        if (samples.due(now)) {
            sampler.sample();
            if (options.keep_tree_series) {
                result.tree_series.push_back(
                    {seconds_between(start, now), sampler.last_rss_bytes(), sampler.cpu_seconds()});
            }
        }
        if (now >= deadline && !life.stop_sent()) {
            result.timed_out = true;
            life.stop(SIGTERM, options.kill_grace_s);
        }
        life.kill_if_due(now);
        // Once stopping, the deadline is behind and no reason to wake: left in, its past time
        // would spin a core for the whole grace period, taking CPU from the processes stopping.
        Clock::time_point wake =
            std::min(samples.next, life.stop_sent() ? life.next_deadline() : deadline);

        pollfd fds[4];
        nfds_t pipe_count = pipes.add_to(fds);
        nfds_t count = pipe_count;
        int interrupt_index = -1;
        if (interrupt_fd() >= 0 && !result.interrupted) {
            interrupt_index = int(count);
            fds[count++] = {interrupt_fd(), POLLIN, 0};
        }
        if (life.exit_fd() >= 0) {
            fds[count++] = {life.exit_fd(), POLLIN, 0};
        }
        if (poll(fds, count, poll_timeout_ms(wake, now, life.exit_fd() >= 0)) < 0 &&
            errno != EINTR) {
            usleep(1000); // should not happen; revents stay 0 and wait4 still sees an exit
        }
        pipes.read_ready(fds, pipe_count);
        if ((interrupt_index >= 0 && fds[interrupt_index].revents) ||
            (interrupted() && !result.interrupted)) {
            result.interrupted = true;
            life.stop(signal_to_forward(), options.kill_grace_s);
        }
    } while (!life.poll_exit());
}

// farm's own peak RSS (ru_maxrss of itself), which Linux gives a command it spawns with vfork as
// the command's floor: the child's exec records the shared address space's peak.
std::int64_t own_peak_rss_bytes() {
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    return std::int64_t(self.ru_maxrss) * 1024;
}

// A few pages of slack: farm's own RSS may grow by the spawn's stack between the reading and
// the command's exec.
constexpr std::int64_t own_peak_slack_bytes = 256 * 1024;

void fill_rss(ProcessResult& result, const rusage& usage, const TreeSampler& sampler,
              std::int64_t own_peak_at_spawn) {
    std::int64_t waited = std::int64_t(usage.ru_maxrss) * 1024;
    if (waited > own_peak_at_spawn + own_peak_slack_bytes) {
        result.max_rss_bytes = waited;
    }
    std::int64_t tree = std::max(sampler.peak_rss_bytes(), result.max_rss_bytes.value_or(0));
    if (tree > 0 && (sampler.samples_taken() > 0 || result.max_rss_bytes)) {
        result.tree_peak_rss_bytes = tree;
    }
}

void fill_result(ProcessResult& result, const ChildLife& life, const TreeSampler& sampler,
                 Clock::time_point start, std::int64_t own_peak_at_spawn) {
    const rusage& usage = life.usage();
    result.wall_s = seconds_between(start, life.exited_at());
    result.user_s = timeval_seconds(usage.ru_utime);
    result.sys_s = timeval_seconds(usage.ru_stime);
    fill_rss(result, usage, sampler, own_peak_at_spawn);
    result.tree_cpu_s = std::max(sampler.cpu_seconds(), result.user_s + result.sys_s);
    result.tree_samples = sampler.samples_taken();
    if (life.status_known() && WIFEXITED(life.status())) {
        result.exit_code = WEXITSTATUS(life.status());
    } else if (life.status_known() && WIFSIGNALED(life.status())) {
        result.signal = WTERMSIG(life.status());
    }
}

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
    if (exit_code < 0) {
        return "exit status unknown (the system reaped the command: SIGCHLD ignored)";
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
    TreeSampler sampler;
    if (options.sample_hz > 0) {
        sampler.exclude_present(); // before the spawn: whatever runs now is not this run's
    }
    if (options.counters) {
        options.counters->start();
    }
    std::int64_t own_peak_at_spawn = own_peak_rss_bytes();
    SpawnedChild child = spawn_child(command);
    ChildLife life(child.pid, Reach::group);
    sampler.count_from(child.pid);
    ProcessResult result;
    result.started = child.started;
    OutputPipes pipes(std::move(child.stdout_read), std::move(child.stderr_read),
                      keep_and_forward(options, result));

    wait_for_exit(life, pipes, sampler, options, child.started, result);
    // What the command left in its group holds the pipes open and must not outlive the run.
    double leftover_grace_s = std::min(options.kill_grace_s, 0.5);
    life.stop_leftovers(leftover_grace_s);
    pipes.drain_until(Clock::now() + std::chrono::milliseconds(1500),
                      [&] { life.kill_if_due(Clock::now()); });
    life.finish(leftover_grace_s);
    reap_stray_zombies();
    if (options.counters) {
        result.counters = options.counters->stop(); // the whole group has exited and folded in
    }

    fill_result(result, life, sampler, child.started, own_peak_at_spawn);
    return result;
}

} // namespace farm::exec
