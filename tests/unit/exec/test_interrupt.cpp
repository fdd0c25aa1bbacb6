#include "farm/exec/interrupt.hpp"

#include "exec/children.hpp"
#include "farm/exec/process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace farm::exec;
using namespace exec_test;

// Signals sent to the test process itself, and the dispositions its children start with. Every
// test puts the dispositions it changed back, so that the tests after it see farm's usual ones.

namespace {

// The mask of a "SigIgn:" or "SigBlk:" line of /proc/PID/status, as printed by `cat`.
std::uint64_t status_mask(const std::string& status, const std::string& field) {
    std::istringstream lines(status);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::strtoull(line.c_str() + field.size() + 1, nullptr, 16);
        }
    }
    return ~std::uint64_t(0);
}

std::uint64_t bit(int signal_number) {
    return std::uint64_t(1) << (signal_number - 1);
}

std::string child_status() {
    SpawnOptions options;
    options.argv = {"cat", "/proc/self/status"};
    options.sample_hz = 0;
    return run_process(options).stdout_tail;
}

// Puts a signal's disposition back however the test ends.
struct DispositionGuard {
    int signal_number;
    struct sigaction saved {};
    explicit DispositionGuard(int s) : signal_number(s) { sigaction(s, nullptr, &saved); }
    DispositionGuard(const DispositionGuard&) = delete;
    DispositionGuard& operator=(const DispositionGuard&) = delete;
    ~DispositionGuard() { sigaction(signal_number, &saved, nullptr); }
};

} // namespace

TEST_CASE("exec::run_process interrupt") {
    install_interrupt_handlers();
    int signal_number = SIGINT;
    SUBCASE("SIGINT") {
        signal_number = SIGINT;
    }
    SUBCASE("SIGTERM") {
        signal_number = SIGTERM;
    }
    SUBCASE("SIGHUP (the terminal closed)") {
        signal_number = SIGHUP;
    }
    SUBCASE("SIGQUIT") {
        signal_number = SIGQUIT;
    }
    CAPTURE(signal_number);
    {
        InterruptGuard guard;
        guard.sender = std::thread([signal_number] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            kill(getpid(), signal_number);
        });
        SpawnOptions options = shell("echo $$ > interrupt.pid; exec sleep 30");
        Timed t = timed_run(options);
        guard.sender.join();
        std::vector<pid_t> pids = read_pids("interrupt.pid");
        REQUIRE(pids.size() == 1);
        CHECK(t.result.interrupted);
        CHECK_FALSE(t.result.timed_out);
        CHECK_FALSE(t.result.succeeded());
        CHECK(t.result.describe_failure() == "interrupted");
        // Ctrl-C reaches the child as SIGINT, as a terminal would have sent it; every other
        // signal as SIGTERM.
        CHECK(t.result.signal == (signal_number == SIGINT ? SIGINT : SIGTERM));
        CHECK(t.seconds < 10);
        CHECK(group_gone(pids[0]));
        CHECK(interrupted());
        CHECK(interrupt_signal() == signal_number);
        kill_and_reap_group(pids[0]);
    }
    // The guard cleared the interrupt: the next run is not interrupted.
    CHECK_FALSE(interrupted());
    CHECK(interrupt_signal() == 0);
    ProcessResult after = run_process(shell("sleep 0.1"));
    CHECK(after.succeeded());
    CHECK_FALSE(after.interrupted);
}

TEST_CASE("exec::restore_child_signal undoes an inherited SIGCHLD ignore") {
    DispositionGuard guard(SIGCHLD);
    // With SIGCHLD ignored the kernel reaps the child itself: run_process must still return,
    // saying it could not learn how the command ended, instead of waiting for it forever.
    signal(SIGCHLD, SIG_IGN);
    Timed lost = timed_run(shell("exit 3"));
    CHECK(lost.result.exit_code == -1);
    CHECK(lost.result.signal == 0);
    CHECK_FALSE(lost.result.succeeded());
    CHECK(lost.result.describe_failure().find("unknown") != std::string::npos);
    CHECK(lost.seconds < 10);

    restore_child_signal();
    struct sigaction now {};
    sigaction(SIGCHLD, nullptr, &now);
    CHECK((now.sa_handler == SIG_DFL));
    CHECK(run_process(shell("exit 3")).exit_code == 3);
}

TEST_CASE("exec::spawn_child starts the child with default dispositions and no mask") {
    DispositionGuard usr1(SIGUSR1);
    DispositionGuard quit(SIGQUIT);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGQUIT, SIG_IGN); // what a shell does to a background job
    sigset_t block, saved_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    REQUIRE(pthread_sigmask(SIG_BLOCK, &block, &saved_mask) == 0);
    std::string status = child_status();
    pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
    REQUIRE(status.find("SigIgn:") != std::string::npos);
    CHECK((status_mask(status, "SigIgn") & (bit(SIGUSR1) | bit(SIGQUIT))) == 0);
    CHECK((status_mask(status, "SigBlk") & bit(SIGUSR2)) == 0);
}

TEST_CASE("exec::install_interrupt_handlers keeps SIGHUP ignored under nohup") {
    {
        DispositionGuard hangup(SIGHUP);
        signal(SIGHUP, SIG_IGN);
        install_interrupt_handlers();
        struct sigaction now {};
        sigaction(SIGHUP, nullptr, &now);
        CHECK((now.sa_handler == SIG_IGN));
        // The measured command keeps it ignored too: nohup meant the whole command.
        CHECK((status_mask(child_status(), "SigIgn") & bit(SIGHUP)) != 0);
    }
    // Started without nohup, SIGHUP is handled.
    signal(SIGHUP, SIG_DFL);
    install_interrupt_handlers();
    struct sigaction now {};
    sigaction(SIGHUP, nullptr, &now);
    CHECK((now.sa_handler != SIG_IGN));
    CHECK((now.sa_handler != SIG_DFL));
}
