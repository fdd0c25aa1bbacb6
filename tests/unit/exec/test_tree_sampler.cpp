#include "farm/exec/tree_sampler.hpp"

#include "farm/exec/process.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <poll.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using farm::exec::TreeSampler;

// The children here are forked from the test process itself, because the sampler watches the
// descendants of the current process. A forked child only calls async-signal-safe functions and
// leaves with _exit, never returning into the test runner.

namespace {

constexpr std::int64_t MiB = 1024 * 1024;

// A forked process group (child, and grandchild if any) that is killed and reaped however the
// test ends.
struct ForkedGroup {
    pid_t child = -1;
    ForkedGroup() = default;
    ForkedGroup(const ForkedGroup&) = delete;
    ForkedGroup& operator=(const ForkedGroup&) = delete;
    ~ForkedGroup() {
        if (child > 0) {
            kill(-child, SIGKILL);
            // The grandchild is this process's to reap too when it is a subreaper; waiting on
            // the group reaps both.
            while (waitpid(-child, nullptr, 0) > 0) {
            }
        }
    }
};

// Touches every page so that all of them are resident.
void* allocate_touched(std::size_t bytes) {
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        return nullptr;
    }
    std::memset(memory, 1, bytes);
    return memory;
}

// Waits until `fd` has a byte to read (or closes), at most `timeout_ms`.
bool wait_for_byte(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) != 1) {
        return false;
    }
    char byte = 0;
    return read(fd, &byte, 1) == 1;
}

// A child of the test process in a group of its own that spins until killed.
void fork_spinner(ForkedGroup& group) {
    group.child = fork();
    if (group.child == 0) {
        setpgid(0, 0);
        volatile unsigned long counter = 0;
        for (;;) {
            counter = counter + 1;
        }
    }
    setpgid(group.child, group.child);
}

double process_cpu_seconds(pid_t pid) {
    farm::exec::ProcStat stat;
    if (!farm::exec::read_proc_stat(pid, stat)) {
        return 0;
    }
    return double(stat.cpu_ticks) / double(sysconf(_SC_CLK_TCK));
}

// Waits until `pid` has used `seconds` of CPU, for at most 20 s (the machine may be busy).
bool wait_for_cpu(pid_t pid, double seconds) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (process_cpu_seconds(pid) < seconds && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return process_cpu_seconds(pid) >= seconds;
}

farm::exec::ProcessResult run_sleep(const char* seconds) {
    farm::exec::SpawnOptions options;
    options.argv = {"sleep", seconds};
    options.sample_hz = 20;
    return farm::exec::run_process(options);
}

} // namespace

TEST_CASE("exec::TreeSampler sees the RSS of a child and of a grandchild") {
    farm::exec::become_subreaper();
    int go[2];
    int ready[2];
    REQUIRE(pipe(go) == 0);
    REQUIRE(pipe(ready) == 0);

    ForkedGroup group;
    group.child = fork();
    REQUIRE(group.child >= 0);
    if (group.child == 0) {
        setpgid(0, 0);
        // The child forks the grandchild and waits; the grandchild allocates when told to.
        pid_t grandchild = fork();
        if (grandchild == 0) {
            char byte = 0;
            if (read(go[0], &byte, 1) != 1) {
                _exit(1);
            }
            if (allocate_touched(std::size_t(100 * MiB)) == nullptr) {
                _exit(1);
            }
            [[maybe_unused]] ssize_t written = write(ready[1], "r", 1);
            for (;;) {
                pause();
            }
        }
        for (;;) {
            pause();
        }
    }
    setpgid(group.child, group.child);
    close(go[0]);
    close(ready[1]);

    TreeSampler sampler;
    // Wait for both processes to exist, then take the baseline: a forked child shares the test
    // process's pages, which count in its RSS already.
    for (int i = 0; i < 200 && sampler.max_processes_seen() < 2; ++i) {
        sampler.sample();
        if (sampler.max_processes_seen() < 2) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    REQUIRE(sampler.max_processes_seen() >= 2);
    std::int64_t baseline = sampler.peak_rss_bytes();
    CHECK(baseline > 0);

    REQUIRE(write(go[1], "g", 1) == 1);
    REQUIRE(wait_for_byte(ready[0], 10000));
    sampler.sample();
    sampler.sample();
    CHECK(sampler.peak_rss_bytes() >= baseline + 90 * MiB);
    CHECK(sampler.max_processes_seen() >= 2);
    CHECK(sampler.samples_taken() >= 3);
    close(go[1]);
    close(ready[0]);
}

TEST_CASE("exec::TreeSampler CPU time of a busy child grows") {
    ForkedGroup group;
    group.child = fork();
    REQUIRE(group.child >= 0);
    if (group.child == 0) {
        setpgid(0, 0);
        volatile unsigned long counter = 0;
        for (;;) {
            counter = counter + 1;
        }
    }
    setpgid(group.child, group.child);

    TreeSampler sampler;
    sampler.sample();
    double first = sampler.cpu_seconds();
    // The child spins; on a busy machine it may get less than a full core, so wait until it has
    // been seen using 0.2 s, for at most 10 s.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sampler.cpu_seconds() < first + 0.2 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        sampler.sample();
    }
    CHECK(sampler.cpu_seconds() >= first + 0.2);
    CHECK(sampler.max_processes_seen() >= 1);
    CHECK(sampler.peak_rss_bytes() > 0);

    // Once the child is gone, its last observed time still counts.
    double seen = sampler.cpu_seconds();
    kill(group.child, SIGKILL);
    REQUIRE(waitpid(group.child, nullptr, 0) == group.child);
    group.child = -1;
    sampler.sample();
    CHECK(sampler.cpu_seconds() >= seen);
}

// The bound is not a timing one: charged with the busy process, a run would show at least the
// 0.3 s it had used before the run began.
TEST_CASE("exec::run_process does not charge a run with a busy process that existed before it") {
    ForkedGroup busy;
    fork_spinner(busy);
    REQUIRE(busy.child > 0);
    REQUIRE(wait_for_cpu(busy.child, 0.3));
    farm::exec::ProcessResult r = run_sleep("0.5");
    CHECK(r.exit_code == 0);
    CHECK(r.tree_samples >= 1);
    CHECK(r.tree_cpu_s < 0.2);
}

TEST_CASE("exec::run_process does not charge a run with an older process adopted during it") {
    farm::exec::become_subreaper();
    int pid_pipe[2];
    REQUIRE(pipe(pid_pipe) == 0);
    // The parent (a group of its own) forks the spinner and waits; the run kills the parent, so
    // that the spinner, started long before the run, becomes a child of this process mid-run.
    ForkedGroup parent;
    parent.child = fork();
    REQUIRE(parent.child >= 0);
    if (parent.child == 0) {
        setpgid(0, 0);
        pid_t spinner = fork();
        if (spinner == 0) {
            volatile unsigned long counter = 0;
            for (;;) {
                counter = counter + 1;
            }
        }
        [[maybe_unused]] ssize_t written = write(pid_pipe[1], &spinner, sizeof spinner);
        for (;;) {
            pause();
        }
    }
    setpgid(parent.child, parent.child);
    close(pid_pipe[1]);
    pid_t spinner = 0;
    REQUIRE(read(pid_pipe[0], &spinner, sizeof spinner) == sizeof spinner);
    close(pid_pipe[0]);
    REQUIRE(wait_for_cpu(spinner, 0.3));

    farm::exec::SpawnOptions options;
    options.argv = {"sh", "-c", "kill -KILL " + std::to_string(parent.child) + "; sleep 0.5"};
    options.sample_hz = 20;
    farm::exec::ProcessResult r = farm::exec::run_process(options);
    CHECK(r.exit_code == 0);
    CHECK(r.tree_samples >= 1);
    CHECK(r.tree_cpu_s < 0.2);
    // The spinner is this process's child now, in the parent's group: the guard reaps it.
}

TEST_CASE("exec::TreeSampler leaves out what exclude_present saw") {
    ForkedGroup busy;
    fork_spinner(busy);
    REQUIRE(busy.child > 0);
    REQUIRE(wait_for_cpu(busy.child, 0.05));
    TreeSampler sampler;
    sampler.exclude_present();
    sampler.sample();
    CHECK(sampler.max_processes_seen() == 0);
    CHECK(sampler.cpu_seconds() == 0);
}
