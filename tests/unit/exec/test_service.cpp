#include "farm/exec/service.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

using namespace farm::exec;

// Real background children (sh, sleep). Bounds are generous: the machines are shared.

namespace {

ChildCommand shell(const std::string& script) {
    ChildCommand command;
    command.argv = {"sh", "-c", script};
    return command;
}

bool wait_for_line(const Service& service, const std::string& text, double seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        for (const std::string& line : service.last_lines(50)) {
            if (line == text) {
                return true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

pid_t read_pid(const std::string& file) {
    pid_t pid = 0;
    std::ifstream(file) >> pid;
    return pid;
}

} // namespace

TEST_CASE("exec::Service runs in the background and keeps its output lines") {
    Service service(shell("echo one; echo two >&2; echo three; sleep 30"));
    CHECK(service.pid() > 0);
    CHECK(getpgid(service.pid()) == service.pid());
    REQUIRE(wait_for_line(service, "three", 10));
    CHECK(service.running());
    std::vector<OutputLine> lines = service.lines_after(0);
    CHECK(lines.size() == 3);
    auto begin = std::chrono::steady_clock::now();
    service.stop(5);
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(4));
    CHECK_FALSE(service.running());
    CHECK(service.describe_exit() == "killed by SIGTERM");
}

TEST_CASE("exec::Service stop ends the whole tree, a child that ignores TERM included") {
    pid_t grandchild = 0;
    {
        Service service(shell("trap '' TERM; (trap '' TERM; sleep 60) & echo $! > child.pid; "
                              "echo started; wait"));
        REQUIRE(wait_for_line(service, "started", 10));
        grandchild = read_pid("child.pid");
        REQUIRE(process_alive(grandchild));
        auto begin = std::chrono::steady_clock::now();
        service.stop(0.3);
        CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(5));
    }
    CHECK_FALSE(process_alive(grandchild));
}

TEST_CASE("exec::Service reports a child that ended, and its last words") {
    Service service(shell("echo bye; exit 7"));
    for (int i = 0; i < 1000 && service.running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK_FALSE(service.running());
    CHECK(service.describe_exit() == "exit code 7");
    service.stop();
    CHECK(service.last_lines(5) == std::vector<std::string>{"bye"});
}

TEST_CASE("exec::Service refuses a command that does not exist, leaving nothing behind") {
    ChildCommand command;
    command.argv = {"farm-no-such-command-xyz"};
    CHECK_THROWS_AS(Service{command}, farm::CommandError);
}

TEST_CASE("exec::Service's destructor stops the child") {
    pid_t pid = 0;
    {
        Service service(shell("sleep 60"));
        pid = service.pid();
        CHECK(process_alive(pid));
    }
    CHECK_FALSE(process_alive(pid));
}
