// The history store: recording runs and reading them back exactly, all or nothing, from several
// processes at once.
#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/history/schema.hpp"
#include "farm/measure/stats.hpp"

#include "support/files.hpp"
#include "support/store_runs.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using farm::DatabaseError;
using namespace farm::history;
using farm::measure::IterationRecord;
using farm::measure::MetricValue;
using farm::test::database_error_of;
using farm::test::everything;
using farm::test::fresh_db;
using farm::test::make_run;
using farm::test::same_bits;
using farm::test::timestamp;

TEST_CASE("history::Store records a run and load_run reads it back exactly") {
    fs::path path = fresh_db("history-roundtrip.db");
    Store store(path, Store::Mode::create);
    CHECK(store.path() == path);
    CHECK(store.schema_version() == latest_schema_version);

    Run run;
    run.kind = "build";
    run.subject = "web-app";
    run.command = "pnpm build --token=<redacted>";
    run.folder = "/home/dev/web-app";
    run.started_at = "2024-03-01T09:15:30.123Z";
    run.duration_s = 42.000000000000007;
    run.status = RunStatus::failed;
    run.context.git = {true, "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", "feature/x", true};
    run.context.host = {
        "ci-runner-7",    "AMD EPYC 7763 64-Core Processor", 128, std::int64_t{549755813888},
        "6.1.0-18-amd64", "Debian GNU/Linux 12 (bookworm)"};
    run.context.tool_versions = {{"farm", "0.1.0"}, {"node", "v20.11.0"}, {"pnpm", "8.15.1"}};
    // Metric names deliberately not in alphabetical order, values that need all 17 digits.
    const std::vector<std::string> names{"wall_s",    "user_s",        "sys_s",
                                         "cpu_cores", "max_rss_bytes", "a_last_metric"};
    const std::vector<std::vector<double>> values{{12.345678901234567, 0.1 + 0.2, 1e-300},
                                                  {10.000000000000002, 9.87654321, 1.0 / 3.0},
                                                  {0.5, 0.0, -0.0},
                                                  {3.9999999999999996, 4.0, 1e300},
                                                  {1073741824.0, 1073745920.0, 9007199254740991.0},
                                                  {-1.5, 2.2250738585072014e-308, 123456.789}};
    const int exit_codes[] = {0, 2, -1};
    const int signals[] = {0, 0, 9};
    for (int i = 0; i < 3; ++i) {
        IterationRecord iteration;
        iteration.index = i;
        iteration.exit_code = exit_codes[i];
        iteration.signal = signals[i];
        for (std::size_t m = 0; m < names.size(); ++m) {
            iteration.metrics.push_back(
                {names[m], m == 4 ? "bytes" : "s", values[m][static_cast<std::size_t>(i)]});
        }
        run.iterations.push_back(iteration);
    }

    std::int64_t id = store.record(run);
    CHECK(id > 0);

    auto check_loaded = [&](Store& from) {
        Run loaded = from.load_run(id);
        CHECK(loaded.id == id);
        CHECK(loaded.kind == run.kind);
        CHECK(loaded.subject == run.subject);
        CHECK(loaded.command == run.command);
        CHECK(loaded.folder == run.folder);
        CHECK(loaded.started_at == run.started_at);
        CHECK(same_bits(loaded.duration_s, run.duration_s));
        CHECK(loaded.status == RunStatus::failed);
        CHECK(loaded.context.git.available);
        CHECK(loaded.context.git.commit == run.context.git.commit);
        CHECK(loaded.context.git.branch == run.context.git.branch);
        CHECK(loaded.context.git.dirty);
        CHECK(loaded.context.host.name == run.context.host.name);
        CHECK(loaded.context.host.cpu_model == run.context.host.cpu_model);
        CHECK(loaded.context.host.cores == 128);
        CHECK(loaded.context.host.memory_bytes == 549755813888);
        CHECK(loaded.context.host.kernel == run.context.host.kernel);
        CHECK(loaded.context.host.os == run.context.host.os);
        CHECK(loaded.context.tool_versions == run.context.tool_versions);
        REQUIRE(loaded.iterations.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) {
            CAPTURE(i);
            const IterationRecord& it = loaded.iterations[i];
            CHECK(it.index == static_cast<int>(i));
            CHECK(it.exit_code == exit_codes[i]);
            CHECK(it.signal == signals[i]);
            REQUIRE(it.metrics.size() == names.size());
            for (std::size_t m = 0; m < names.size(); ++m) {
                CAPTURE(m);
                CHECK(it.metrics[m].name == names[m]);
                CHECK(it.metrics[m].unit == (m == 4 ? "bytes" : "s"));
                CHECK(same_bits(it.metrics[m].value, values[m][i]));
            }
        }
    };
    check_loaded(store);

    SUBCASE("after reopening the file") {
        Store reopened(path, Store::Mode::existing);
        check_loaded(reopened);
    }
    SUBCASE("a run without git") {
        Run plain = make_run("build", "no-git", timestamp(1), {{"wall_s", {1.0}}});
        plain.context.git = {};
        plain.context.tool_versions.clear();
        Run loaded = store.load_run(store.record(plain));
        CHECK_FALSE(loaded.context.git.available);
        CHECK(loaded.context.git.commit.empty());
        CHECK_FALSE(loaded.context.git.dirty);
        CHECK(loaded.context.tool_versions.empty());
    }
    SUBCASE("every status") {
        for (RunStatus status : {RunStatus::ok, RunStatus::failed, RunStatus::interrupted}) {
            Run r = make_run("build", "statuses", timestamp(2), {{"wall_s", {1.0}}});
            r.status = status;
            CHECK(store.load_run(store.record(r)).status == status);
        }
    }
}

TEST_CASE("history::Store records ids that grow and load_run of an unknown id throws") {
    fs::path path = fresh_db("history-ids.db");
    Store store(path, Store::Mode::create);
    std::int64_t first = store.record(make_run("build", "a", timestamp(1), {{"wall_s", {1}}}));
    std::int64_t second = store.record(make_run("build", "a", timestamp(2), {{"wall_s", {2}}}));
    CHECK(second > first);
    std::string message = database_error_of([&] { store.load_run(second + 100); });
    CHECK(message.find("no run") != std::string::npos);
    CHECK(message.find(path.string()) != std::string::npos);
}

TEST_CASE("history::Store records an interrupted run with zero iterations") {
    fs::path path = fresh_db("history-interrupted.db");
    Store store(path, Store::Mode::create);
    Run run = make_run("dev", "server", timestamp(3));
    run.status = RunStatus::interrupted;
    REQUIRE(run.iterations.empty());
    std::int64_t id = store.record(run);

    Run loaded = store.load_run(id);
    CHECK(loaded.status == RunStatus::interrupted);
    CHECK(loaded.kind == "dev");
    CHECK(loaded.subject == "server");
    CHECK(loaded.iterations.empty());

    std::vector<RunOverview> runs = store.recent_runs(everything());
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].id == id);
    CHECK(runs[0].status == RunStatus::interrupted);
    CHECK(runs[0].metrics.empty());
}

TEST_CASE("history::Store records a run all or nothing") {
    fs::path path = fresh_db("history-atomic.db");
    Store store(path, Store::Mode::create);
    Run bad = make_run("build", "app", timestamp(1), {{"wall_s", {1.0, 2.0}}});
    bad.iterations[1].index = 0; // the same iteration twice: the insert fails half way
    std::string message = database_error_of([&] { store.record(bad); });
    CHECK(message.find(path.string()) != std::string::npos);
    CHECK(store.recent_runs(everything()).empty());

    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM runs").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM iterations").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM metrics").getInt() == 0);

    // The failed transaction left the store usable.
    std::int64_t id = store.record(make_run("build", "app", timestamp(2), {{"wall_s", {3.0}}}));
    CHECK(store.load_run(id).iterations.size() == 1);
}

TEST_CASE("history::Store records values that were not measured as missing") {
    // A metric computed as 0/0 or x/0 must not cost the whole run, and is not a 0 either.
    fs::path path = fresh_db("history-nonfinite.db");
    Store store(path, Store::Mode::create);
    Run run = make_run("ai", "model", timestamp(1),
                       {{"tokens_per_s",
                         {std::numeric_limits<double>::quiet_NaN(), 10.0,
                          std::numeric_limits<double>::infinity()}},
                        {"wall_s", {1.0, 2.0, 3.0}}});
    std::int64_t id = store.record(run);
    Run loaded = store.load_run(id);
    REQUIRE(loaded.iterations.size() == 3);
    CHECK_FALSE(loaded.iterations[0].metric("tokens_per_s").has_value());
    CHECK(loaded.iterations[1].metric("tokens_per_s") == 10.0);
    CHECK_FALSE(loaded.iterations[2].metric("tokens_per_s").has_value());
    std::vector<RunOverview> runs = store.recent_runs(everything());
    REQUIRE(runs.size() == 1);
    const MetricSeries* tokens = runs[0].metric("tokens_per_s");
    REQUIRE(tokens != nullptr);
    CHECK(tokens->summary.count == 1);
    CHECK(tokens->summary.median == 10.0);
    CHECK(runs[0].metric("wall_s")->summary.median == 2.0);
}

TEST_CASE("history::Store keeps a metric on the iterations that measured it") {
    fs::path path = fresh_db("history-sparse.db");
    Store store(path, Store::Mode::create);
    Run run = make_run("ai", "sparse", timestamp(1), {{"wall_s", {1.0, 2.0}}});
    run.iterations[1].metrics.push_back({"tokens", "count", 42.0});
    std::int64_t id = store.record(run);
    Run loaded = store.load_run(id);
    REQUIRE(loaded.iterations.size() == 2);
    CHECK_FALSE(loaded.iterations[0].metric("tokens").has_value());
    CHECK(loaded.iterations[1].metric("tokens") == 42.0);
    CHECK(loaded.iterations[0].metric("wall_s") == 1.0);
}

TEST_CASE("history::Store round-trips the project facts of a run") {
    fs::path path = fresh_db("history-project.db");
    Store store(path, Store::Mode::create);
    Run run = make_run("install", "install:warm", timestamp(1), {{"wall_s", {1.0}}});
    run.context.project = {{"lockfile_hash", "0123456789abcdef"}, {"workspace_packages", "3"}};
    std::int64_t id = store.record(run);
    CHECK(store.load_run(id).context.project == run.context.project);
}

namespace {

// Where a child process leaves the message of the error that stopped it.
fs::path error_file(const fs::path& path, int child) {
    return fs::path(path.string() + ".child-" + std::to_string(child) + ".error");
}

// Runs `children` processes that each record `runs_each` runs into `path` as fast as they can,
// all released at the same moment; returns how many of them failed.
int record_concurrently(const fs::path& path, int children, int runs_each,
                        const std::vector<std::pair<std::string, std::vector<double>>>& metrics) {
    int gate[2];
    REQUIRE(pipe(gate) == 0);
    std::vector<pid_t> pids;
    auto child_of = [&](pid_t pid) {
        return static_cast<int>(std::find(pids.begin(), pids.end(), pid) - pids.begin());
    };
    for (int child = 0; child < children; ++child) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            // The child: no doctest assertions, no return into the test runner.
            int code = 0;
            try {
                close(gate[1]);
                char byte = 0;
                if (read(gate[0], &byte, 1) != 0) {
                    _exit(10);
                }
                Store store(path, Store::Mode::create);
                for (int i = 0; i < runs_each; ++i) {
                    Run run = make_run("build", "child-" + std::to_string(child),
                                       timestamp(1 + i % 28, i % 60), metrics);
                    run.iterations.front().metrics.front().value = double(child * 1000 + i);
                    if (store.record(run) <= 0) {
                        code = 11;
                    }
                }
            } catch (const DatabaseError& e) {
                code = 12;
                std::ofstream(error_file(path, child)) << e.what();
            } catch (...) {
                code = 13;
            }
            _exit(code);
        }
        pids.push_back(pid);
    }
    close(gate[0]);
    close(gate[1]); // releases every child at once
    int failed = 0;
    for (pid_t pid : pids) {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok) {
            std::string error = farm::test::read_file(error_file(path, child_of(pid)));
            MESSAGE("child " << pid << " ended with status " << status << ": " << error);
            ++failed;
        }
    }
    return failed;
}

} // namespace

TEST_CASE("history::Store four processes recording at once lose no run") {
    const std::vector<std::pair<std::string, std::vector<double>>> metrics{
        {"wall_s", {1.0, 2.0, 3.0}},
        {"user_s", {0.5, 0.25, 0.125}},
        {"max_rss_bytes", {1e6, 2e6, 3e6}}};
    const int children = 4;
    const int runs_each = 25;
    fs::path path;

    SUBCASE("on an existing database") {
        path = fresh_db("history-concurrent-existing.db");
        { Store create(path, Store::Mode::create); }
        CHECK(record_concurrently(path, children, runs_each, metrics) == 0);
    }
    SUBCASE("racing to create the database") {
        path = fresh_db("history-concurrent-new.db");
        REQUIRE_FALSE(fs::exists(path));
        CHECK(record_concurrently(path, children, runs_each, metrics) == 0);
    }

    {
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
        CHECK(db.execAndGet("PRAGMA user_version").getInt() == latest_schema_version);
        CHECK(db.execAndGet("SELECT count(*) FROM farm_meta").getInt() == 1);
        CHECK(db.execAndGet("SELECT count(*) FROM runs").getInt() == children * runs_each);
        CHECK(db.execAndGet("SELECT count(*) FROM iterations").getInt() ==
              children * runs_each * 3);
        CHECK(db.execAndGet("SELECT count(*) FROM metrics").getInt() ==
              children * runs_each * static_cast<int>(metrics.size()));
    }
    Store store(path, Store::Mode::existing);
    std::vector<RunOverview> runs = store.recent_runs(everything());
    REQUIRE(runs.size() == static_cast<std::size_t>(children * runs_each));
    std::vector<std::vector<bool>> seen(children, std::vector<bool>(runs_each, false));
    for (const RunOverview& run : runs) {
        REQUIRE(run.metrics.size() == metrics.size());
        // Each run's first wall_s value says which child recorded it and which run it was.
        Run loaded = store.load_run(run.id);
        int value = static_cast<int>(loaded.iterations.front().metrics.front().value);
        int child = value / 1000;
        int index = value % 1000;
        REQUIRE(child < children);
        REQUIRE(index < runs_each);
        CHECK(run.subject == "child-" + std::to_string(child));
        CHECK_FALSE(seen[child][index]);
        seen[child][index] = true;
    }
}
