#include "farm/exec/process.hpp"

#include "exec/children.hpp"
#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace farm::exec;
using namespace exec_test;

// These tests run real child processes (sh, sleep, head, python3). Each test binary run starts in
// a fresh temporary folder (tests/unit/main.cpp), so the shells write their pid files there.
// Time bounds are generous on purpose: the test machines are shared and noisy; they only tell a
// prompt return from one that waited for a `sleep 30`.

namespace {

constexpr std::int64_t MiB = 1024 * 1024;

double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
           double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

TEST_CASE("exec::run_process exit codes") {
    SUBCASE("zero") {
        ProcessResult r = run_process(shell("exit 0"));
        CHECK(r.exit_code == 0);
        CHECK(r.signal == 0);
        CHECK(r.succeeded());
        CHECK_FALSE(r.timed_out);
        CHECK_FALSE(r.interrupted);
    }
    SUBCASE("non-zero") {
        ProcessResult r = run_process(shell("exit 7"));
        CHECK(r.exit_code == 7);
        CHECK(r.signal == 0);
        CHECK_FALSE(r.succeeded());
        CHECK(r.describe_failure() == "exit code 7");
    }
    SUBCASE("argv without a shell") {
        SpawnOptions options;
        options.argv = {"false"};
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 1);
        CHECK_FALSE(r.succeeded());
    }
}

TEST_CASE("exec::run_process rejects what cannot be started") {
    SUBCASE("missing command") {
        SpawnOptions options;
        options.argv = {"farm-no-such-command-4f1c2e"};
        CHECK_THROWS_AS(run_process(options), farm::CommandError);
        try {
            run_process(options);
        } catch (const farm::CommandError& e) {
            CHECK(e.code() == farm::ExitCode::command_failed);
            CHECK(std::string(e.what()).find("farm-no-such-command-4f1c2e") != std::string::npos);
        }
    }
    SUBCASE("empty argv") {
        SpawnOptions options;
        CHECK_THROWS_AS(run_process(options), farm::UsageError);
    }
    SUBCASE("missing folder") {
        SpawnOptions options = shell("exit 0");
        options.cwd = std::filesystem::current_path() / "no-such-folder";
        CHECK_THROWS_AS(run_process(options), farm::UsageError);
    }
}

TEST_CASE("exec::run_process child killed by a signal") {
    ProcessResult r = run_process(shell("kill -KILL $$"));
    CHECK(r.signal == SIGKILL);
    CHECK(r.exit_code == -1);
    CHECK_FALSE(r.succeeded());
    CHECK(r.describe_failure().find("SIGKILL") != std::string::npos);
}

TEST_CASE("exec::run_process output") {
    SUBCASE("100 MB of stdout does not deadlock and reaches the callback whole") {
        SpawnOptions options;
        options.argv = {"head", "-c", "104857600", "/dev/zero"};
        options.timeout_s = 60; // a deadlock fails the test instead of hanging it
        std::int64_t bytes = 0;
        bool only_zeros = true;
        options.on_stdout = [&](std::string_view piece) {
            bytes += std::int64_t(piece.size());
            only_zeros = only_zeros && piece.find_first_not_of('\0') == std::string_view::npos;
        };
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.timed_out);
        CHECK(bytes == 104857600);
        CHECK(only_zeros);
        // Only the tail is kept, not 100 MB.
        CHECK(r.stdout_tail.size() > 0);
        CHECK(r.stdout_tail.size() <= 32 * 1024);
        CHECK(r.stderr_tail.empty());
    }
    SUBCASE("100 MB of stderr does not deadlock") {
        SpawnOptions options = shell("head -c 104857600 /dev/zero >&2");
        options.timeout_s = 60;
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.timed_out);
        CHECK(r.stderr_tail.size() > 0);
        CHECK(r.stderr_tail.size() <= 32 * 1024);
        CHECK(r.stdout_tail.empty());
    }
    SUBCASE("tails hold the last output of each stream") {
        ProcessResult r = run_process(shell("echo out; echo oops >&2; exit 3"));
        CHECK(r.stdout_tail == "out\n");
        CHECK(r.stderr_tail == "oops\n");
        CHECK(r.exit_code == 3);
    }
    SUBCASE("stdout streams to the callback while the child runs") {
        SpawnOptions options = shell("echo first; sleep 0.4; echo second");
        std::vector<std::string> pieces;
        options.on_stdout = [&](std::string_view piece) { pieces.emplace_back(piece); };
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        REQUIRE(pieces.size() == 2);
        CHECK(pieces[0] == "first\n");
        CHECK(pieces[1] == "second\n");
    }
    SUBCASE("inherit mode captures nothing") {
        SpawnOptions options;
        options.argv = {"true"};
        options.output = OutputMode::inherit;
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK(r.stdout_tail.empty());
        CHECK(r.stderr_tail.empty());
    }
}

TEST_CASE("exec::run_process timeout ends the whole tree") {
    become_subreaper();
    SUBCASE("a shell with a background and a foreground sleep") {
        SpawnOptions options = shell("sleep 30 & echo $$ $! > tree.pids; sleep 30; wait");
        options.timeout_s = 0.5;
        Timed t = timed_run(options);
        std::vector<pid_t> pids = read_pids("tree.pids");
        REQUIRE(pids.size() == 2);
        CHECK(t.result.timed_out);
        CHECK_FALSE(t.result.succeeded());
        CHECK(t.result.describe_failure().find("timed out") != std::string::npos);
        CHECK(t.seconds >= 0.4);
        CHECK(t.seconds < 10);
        // The shell leads the group; the group includes the foreground sleep, whose pid the
        // shell cannot print before it starts it.
        CHECK(pid_gone(pids[0]));
        CHECK(pid_gone(pids[1]));
        CHECK(group_gone(pids[0]));
        kill_and_reap_group(pids[0]);
    }
    SUBCASE("a child that ignores SIGTERM is killed after the grace period") {
        SpawnOptions options = shell("trap '' TERM; echo $$ > ignore.pid; sleep 30; exit 0");
        options.timeout_s = 0.3;
        options.kill_grace_s = 0.3;
        Timed t = timed_run(options);
        std::vector<pid_t> pids = read_pids("ignore.pid");
        REQUIRE(pids.size() == 1);
        CHECK(t.result.timed_out);
        CHECK(t.result.signal == SIGKILL);
        CHECK(t.seconds >= 0.5);
        CHECK(t.seconds < 10);
        CHECK(group_gone(pids[0]));
        kill_and_reap_group(pids[0]);
    }
}

TEST_CASE("exec::run_process does not spin while it waits out the grace period") {
    become_subreaper();
    // The child ignores SIGTERM, so run_process waits the whole second of grace before SIGKILL;
    // it should sleep in poll() meanwhile, not use the CPU the stopping processes need.
    SpawnOptions options = shell("trap '' TERM; sleep 30; exit 0");
    options.timeout_s = 0.2;
    options.kill_grace_s = 1.0;
    double before = own_cpu_seconds();
    Timed t = timed_run(options);
    double used = own_cpu_seconds() - before;
    CHECK(t.result.timed_out);
    CHECK(t.seconds >= 1.1);
    CHECK(t.seconds < 10);
    CHECK(used < 0.3);
}

TEST_CASE("exec::run_process leaves nothing of its group behind") {
    become_subreaper();
    SUBCASE("background sleep, captured output") {
        Timed t = timed_run(shell("sleep 30 & echo $$ $! > left.pids"));
        std::vector<pid_t> pids = read_pids("left.pids");
        REQUIRE(pids.size() == 2);
        CHECK(t.result.exit_code == 0);
        CHECK(t.result.succeeded());
        CHECK(t.seconds < 10);
        CHECK(pid_gone(pids[1]));
        CHECK(group_gone(pids[0]));
        kill_and_reap_group(pids[0]);
    }
    SUBCASE("background sleep, inherited output") {
        SpawnOptions options = shell("sleep 30 & echo $$ $! > left.pids");
        options.output = OutputMode::inherit;
        Timed t = timed_run(options);
        std::vector<pid_t> pids = read_pids("left.pids");
        REQUIRE(pids.size() == 2);
        CHECK(t.result.exit_code == 0);
        CHECK(t.seconds < 10);
        CHECK(pid_gone(pids[1]));
        CHECK(group_gone(pids[0]));
        kill_and_reap_group(pids[0]);
    }
    SUBCASE("background sleep that ignores SIGTERM") {
        SpawnOptions options = shell("trap '' TERM; sleep 30 & echo $$ $! > left.pids");
        options.kill_grace_s = 0.3;
        Timed t = timed_run(options);
        std::vector<pid_t> pids = read_pids("left.pids");
        REQUIRE(pids.size() == 2);
        CHECK(t.result.exit_code == 0);
        CHECK(t.seconds < 10);
        CHECK(pid_gone(pids[1]));
        CHECK(group_gone(pids[0]));
        kill_and_reap_group(pids[0]);
    }
}

TEST_CASE("exec::run_process measures the tree's RSS") {
    become_subreaper();
    // wait4 charges a command started with vfork with this process's own peak RSS (large under
    // AddressSanitizer): each child holds more than that, so that its own figure shows.
    struct rusage self {};
    getrusage(RUSAGE_SELF, &self);
    std::int64_t own = std::int64_t(self.ru_maxrss) * 1024;
    std::int64_t held_mib = std::max<std::int64_t>(200, own / MiB + 64);
    // Two python3 processes at once, each holding held_mib of touched memory for a second: the
    // largest single process holds held_mib, the tree's peak is the sum of both.
    std::string hold = "p='import time; b = b\"\\x01\" * (" + std::to_string(held_mib) +
                       " * 1024 * 1024); time.sleep(1)'; ";
    SpawnOptions options = shell(hold + "python3 -c \"$p\" & python3 -c \"$p\"; wait");
    options.sample_hz = 20;
    options.timeout_s = 60;
    ProcessResult r = run_process(options);
    CHECK(r.exit_code == 0);
    CHECK(r.stderr_tail.empty());
    REQUIRE(r.max_rss_bytes);
    CHECK(*r.max_rss_bytes >= (held_mib - 5) * MiB);
    CHECK(*r.max_rss_bytes <= (held_mib + 100) * MiB);
    CHECK(r.tree_samples >= 10);
    REQUIRE(r.tree_peak_rss_bytes);
    CHECK(double(*r.tree_peak_rss_bytes) >= 1.6 * double((held_mib - 5) * MiB));
    CHECK(*r.tree_peak_rss_bytes <= 2 * (held_mib + 100) * MiB);
}

TEST_CASE("exec::run_process: a command below this process's own peak RSS has no wait4 figure") {
    // Linux gives the vfork child this process's peak at exec: `true` would read as large as
    // the test binary. Not measured, never that figure; a sampled tree peak stays.
    SpawnOptions instant;
    instant.argv = {"true"};
    ProcessResult quick = run_process(instant);
    CHECK(quick.exit_code == 0);
    CHECK_FALSE(quick.max_rss_bytes);
    CHECK_FALSE(quick.tree_peak_rss_bytes); // over before the first sample
    SpawnOptions sampled;
    sampled.argv = {"sleep", "0.3"};
    sampled.sample_hz = 50;
    ProcessResult slow = run_process(sampled);
    CHECK_FALSE(slow.max_rss_bytes);
    REQUIRE(slow.tree_peak_rss_bytes);
    CHECK(*slow.tree_peak_rss_bytes < 16 * MiB); // sleep's own few hundred KiB, not the test's
}

TEST_CASE("exec::run_process CPU time and wall time") {
    SUBCASE("a busy child") {
        ProcessResult r = run_process(shell("python3 -c 'import time\nt = time.process_time()\n"
                                            "while time.process_time() - t < 0.3: pass'"));
        CHECK(r.exit_code == 0);
        CHECK(r.user_s + r.sys_s >= 0.25);
        CHECK(r.tree_cpu_s >= r.user_s + r.sys_s);
        CHECK(r.wall_s >= 0.25);
    }
    SUBCASE("a sleeping child") {
        SpawnOptions options;
        options.argv = {"sleep", "0.3"};
        ProcessResult r = run_process(options);
        CHECK(r.wall_s >= 0.29);
        CHECK(r.wall_s < 10);
        CHECK(r.user_s + r.sys_s < 0.2);
    }
    SUBCASE("sampling off") {
        SpawnOptions options;
        options.argv = {"sleep", "0.1"};
        options.sample_hz = 0;
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK(r.tree_samples == 0);
        CHECK(r.tree_peak_rss_bytes == r.max_rss_bytes);
    }
}

TEST_CASE("exec::run_process environment, stdin, folder and shell") {
    SUBCASE("extra_env reaches the child") {
        SpawnOptions options = shell("test \"$FOO\" = bar");
        options.extra_env = {{"FOO", "bar"}};
        CHECK(run_process(options).exit_code == 0);
    }
    SUBCASE("extra_env replaces a variable of farm's own environment") {
        REQUIRE(setenv("FARM_TEST_REPLACED", "old", 1) == 0);
        REQUIRE(setenv("FARM_TEST_REPLACED_LONGER", "kept", 1) == 0);
        SpawnOptions options = shell("env | grep ^FARM_TEST_REPLACED | sort");
        options.extra_env = {{"FARM_TEST_REPLACED", "new"}};
        ProcessResult r = run_process(options);
        unsetenv("FARM_TEST_REPLACED");
        unsetenv("FARM_TEST_REPLACED_LONGER");
        CHECK(r.stdout_tail == "FARM_TEST_REPLACED=new\nFARM_TEST_REPLACED_LONGER=kept\n");
    }
    SUBCASE("stdin is /dev/null") {
        SpawnOptions read_fails = shell("read x; test $? -ne 0");
        read_fails.timeout_s = 10;
        ProcessResult r = run_process(read_fails);
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.timed_out);

        SpawnOptions cat;
        cat.argv = {"cat"};
        cat.timeout_s = 10;
        Timed t = timed_run(cat);
        CHECK(t.result.exit_code == 0);
        CHECK_FALSE(t.result.timed_out);
        CHECK(t.result.stdout_tail.empty());
        CHECK(t.seconds < 5);
    }
    SUBCASE("cwd is honoured") {
        std::filesystem::path folder = std::filesystem::current_path() / "run here";
        std::filesystem::create_directories(folder);
        SpawnOptions options;
        options.argv = {"pwd"};
        options.cwd = folder;
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK(r.stdout_tail == std::filesystem::canonical(folder).string() + "\n");
    }
    SUBCASE("use_shell runs the words through sh -c") {
        SpawnOptions options;
        options.argv = {"echo hi | tr a-z A-Z"};
        options.use_shell = true;
        ProcessResult r = run_process(options);
        CHECK(r.exit_code == 0);
        CHECK(r.stdout_tail == "HI\n");

        options.argv = {"echo", "a", "b;", "echo", "c"};
        r = run_process(options);
        CHECK(r.stdout_tail == "a b\nc\n");
    }
}
