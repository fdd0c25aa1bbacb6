#include "farm/exec/child_life.hpp"

#include "exec/children.hpp"
#include "farm/exec/process.hpp"
#include "farm/exec/service.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace farm::exec;
using namespace exec_test;

// The stages of a child's life, and the reaping of zombies farm adopted. The strays here are
// forked from the test process itself and leave with _exit at once.

namespace {

ChildCommand command_of(std::vector<std::string> argv) {
    ChildCommand command;
    command.argv = std::move(argv);
    return command;
}

// A child of this process that has exited and nobody has waited for.
pid_t make_zombie() {
    pid_t pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    for (int i = 0; i < 2000; ++i) {
        ProcStat stat;
        if (read_proc_stat(pid, stat) && stat.zombie()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pid;
}

bool is_zombie(pid_t pid) {
    ProcStat stat;
    return read_proc_stat(pid, stat) && stat.zombie();
}

} // namespace

TEST_CASE("exec::ChildLife stages of a child that exits by itself") {
    SpawnedChild child = spawn_child(command_of({"sh", "-c", "exit 4"}));
    ChildLife life(child.pid, Reach::group);
    CHECK(life.stage() == ChildLife::Stage::running);
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!life.poll_exit() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(life.stage() == ChildLife::Stage::reaped);
    CHECK(life.status_known());
    CHECK(WEXITSTATUS(life.status()) == 4);
    life.finish(0.5);
    CHECK(life.stage() == ChildLife::Stage::ended);
    CHECK(group_gone(child.pid));
}

TEST_CASE("exec::ChildLife stop ends a child that ignores SIGTERM with SIGKILL") {
    SpawnedChild child = spawn_child(command_of({"sh", "-c", "trap '' TERM; sleep 30"}));
    ChildLife life(child.pid, Reach::group);
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // let the trap be set
    life.stop(SIGTERM, 0.2);
    CHECK(life.stage() == ChildLife::Stage::stopping);
    CHECK(life.next_deadline() != ChildLife::Clock::time_point::max());
    life.finish(0.2);
    CHECK(life.stage() == ChildLife::Stage::ended);
    REQUIRE(life.status_known());
    CHECK(WIFSIGNALED(life.status()));
    CHECK(WTERMSIG(life.status()) == SIGKILL);
    CHECK(group_gone(child.pid));
}

TEST_CASE("exec::run_process reaps zombies farm adopted, never one that a Service waits for") {
    pid_t stray = make_zombie();
    REQUIRE(is_zombie(stray));
    // A service whose leader has exited but that has not looked yet: its status is claimed.
    Service service(command_of({"sh", "-c", "exit 7"}));
    for (int i = 0; i < 2000 && !is_zombie(service.pid()); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(is_zombie(service.pid()));

    ProcessResult r = run_process(shell("exit 0"));
    CHECK(r.succeeded());
    CHECK(pid_gone(stray));
    CHECK(service.describe_exit() == "exit code 7");
    if (!pid_gone(stray)) {
        waitpid(stray, nullptr, 0);
    }
}

TEST_CASE("exec::run_process leaves nothing running when an output callback throws") {
    SpawnOptions options = shell("echo $$ > thrower.pid; echo line; exec sleep 30");
    options.on_stdout = [](std::string_view) { throw std::runtime_error("callback failed"); };
    CHECK_THROWS_AS(run_process(options), std::runtime_error);
    std::vector<pid_t> pids = read_pids("thrower.pid");
    REQUIRE(pids.size() == 1);
    CHECK(pid_gone(pids[0]));
    CHECK(group_gone(pids[0]));
    kill_and_reap_group(pids[0]);
}
