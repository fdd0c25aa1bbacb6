#include "farm/history/store.hpp"

#include "farm/core/error.hpp"
#include "farm/history/schema.hpp"
#include "farm/measure/stats.hpp"

#include "support/files.hpp"

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
using farm::test::fresh_db;

namespace {

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The message of the DatabaseError `f` throws; empty when it throws nothing.
template <typename F>
std::string database_error_of(F&& f) {
    try {
        f();
    } catch (const DatabaseError& e) {
        return e.what();
    }
    return {};
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// A run whose iteration i has, for each metric, the value values[metric][i].
Run make_run(const std::string& kind, const std::string& subject, const std::string& started_at,
             const std::vector<std::pair<std::string, std::vector<double>>>& metrics = {}) {
    Run run;
    run.kind = kind;
    run.subject = subject;
    run.command = "make -j8 all";
    run.folder = "/home/dev/project";
    run.started_at = started_at;
    run.duration_s = 1.25;
    run.context.git = {true, "0123456789abcdef0123456789abcdef01234567", "main", false};
    run.context.host = {"builder", "Test CPU @ 3.0GHz", 16, 68719476736, "6.1.0-test", "Debian"};
    run.context.tool_versions = {{"farm", "0.1.0"}, {"node", "20.11.0"}};
    std::size_t count = metrics.empty() ? 0 : metrics.front().second.size();
    for (std::size_t i = 0; i < count; ++i) {
        IterationRecord iteration;
        iteration.index = static_cast<int>(i);
        for (const auto& [name, values] : metrics) {
            iteration.metrics.push_back(
                {name, name == "max_rss_bytes" ? "bytes" : "s", values.at(i)});
        }
        run.iterations.push_back(iteration);
    }
    return run;
}

std::string timestamp(int day, int second = 0) {
    char text[40];
    std::snprintf(text, sizeof text, "2024-03-%02dT12:00:%02d.000Z", day, second);
    return text;
}

RunQuery everything() {
    RunQuery query;
    query.per_subject = 1000000;
    return query;
}

} // namespace

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

TEST_CASE("history::Store recent_runs summaries match measure::summarize") {
    fs::path path = fresh_db("history-summaries.db");
    Store store(path, Store::Mode::create);
    const std::vector<double> wall{12.1, 11.8, 12.4, 12.0, 13.1, 11.9, 12.2, 12.3, 12.0, 14.5};
    const std::vector<double> user{10.0, 10.2, 9.9, 10.1, 10.0, 10.3, 9.8, 25.0, 10.0, 10.1};
    const std::vector<double> rss{5e8, 5e8, 5e8, 5e8, 5e8, 6e8, 7e8, 5e8, 5e8, 5.5e8};
    std::int64_t id =
        store.record(make_run("build", "app", timestamp(4),
                              {{"wall_s", wall}, {"user_s", user}, {"max_rss_bytes", rss}}));

    std::vector<RunOverview> runs = store.recent_runs(everything());
    REQUIRE(runs.size() == 1);
    const RunOverview& overview = runs[0];
    CHECK(overview.id == id);
    CHECK(overview.kind == "build");
    CHECK(overview.subject == "app");
    CHECK(overview.command == "make -j8 all");
    CHECK(overview.started_at == timestamp(4));
    CHECK(overview.status == RunStatus::ok);
    CHECK(overview.git_commit == "0123456789abcdef0123456789abcdef01234567");
    CHECK(overview.git_branch == "main");
    CHECK_FALSE(overview.git_dirty);
    REQUIRE(overview.metrics.size() == 3);
    CHECK(overview.metrics[0].name == "wall_s");
    CHECK(overview.metrics[1].name == "user_s");
    CHECK(overview.metrics[2].name == "max_rss_bytes");
    CHECK(overview.metrics[2].unit == "bytes");
    CHECK(overview.metric("missing") == nullptr);
    for (const auto& [name, values] : std::vector<std::pair<std::string, std::vector<double>>>{
             {"wall_s", wall}, {"user_s", user}, {"max_rss_bytes", rss}}) {
        CAPTURE(name);
        const MetricSeries* series = overview.metric(name);
        REQUIRE(series != nullptr);
        CHECK(series->values.empty()); // summaries only
        farm::measure::Summary expected = farm::measure::summarize(values);
        const farm::measure::Summary& s = series->summary;
        CHECK(s.count == expected.count);
        CHECK(same_bits(s.mean, expected.mean));
        CHECK(same_bits(s.median, expected.median));
        CHECK(same_bits(s.stddev, expected.stddev));
        CHECK(same_bits(s.min, expected.min));
        CHECK(same_bits(s.max, expected.max));
        CHECK(same_bits(s.p95, expected.p95));
        CHECK(same_bits(s.ci95_low, expected.ci95_low));
        CHECK(same_bits(s.ci95_high, expected.ci95_high));
    }
}

TEST_CASE("history::Store recent_runs keeps the newest runs of each subject, newest first") {
    fs::path path = fresh_db("history-recent.db");
    Store store(path, Store::Mode::create);
    // Recorded out of time order: the order comes from started_at, not from the ids.
    std::vector<int> days{5, 1, 9, 3, 7, 2, 8, 4, 6};
    for (int day : days) {
        store.record(make_run("build", "app", timestamp(day), {{"wall_s", {double(day)}}}));
        store.record(make_run("build", "lib", timestamp(day), {{"wall_s", {100.0 + day}}}));
    }
    // Two runs started in the same millisecond: the later recorded one counts as newer.
    std::int64_t tie_first =
        store.record(make_run("build", "tie", timestamp(1), {{"wall_s", {1.0}}}));
    std::int64_t tie_second =
        store.record(make_run("build", "tie", timestamp(1), {{"wall_s", {2.0}}}));

    RunQuery query;
    query.per_subject = 3;
    std::vector<RunOverview> runs = store.recent_runs(query);
    REQUIRE(runs.size() == 8);
    const char* subjects[] = {"app", "app", "app", "lib", "lib", "lib", "tie", "tie"};
    const int expected_days[] = {9, 8, 7, 9, 8, 7, 1, 1};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        CAPTURE(i);
        CHECK(runs[i].subject == subjects[i]);
        CHECK(runs[i].started_at == timestamp(expected_days[i]));
        REQUIRE(runs[i].metrics.size() == 1);
        double expected = (runs[i].subject == "lib" ? 100.0 : 0.0) + expected_days[i];
        if (runs[i].subject != "tie") {
            CHECK(runs[i].metrics[0].summary.median == expected);
        }
    }
    CHECK(runs[6].id == tie_second);
    CHECK(runs[7].id == tie_first);
    CHECK(runs[6].metrics[0].summary.median == 2.0);

    SUBCASE("the default keeps 10") {
        for (int day = 10; day < 20; ++day) {
            store.record(make_run("build", "app", timestamp(day), {{"wall_s", {1.0}}}));
        }
        std::vector<RunOverview> defaults = store.recent_runs(RunQuery{});
        std::size_t app = 0;
        for (const RunOverview& r : defaults) {
            app += r.subject == "app" ? 1 : 0;
        }
        CHECK(app == 10);
        CHECK(defaults.size() == 10 + 9 + 2);
        CHECK(defaults.front().started_at == timestamp(19));
    }
    SUBCASE("per_subject 1 keeps only the newest") {
        query.per_subject = 1;
        std::vector<RunOverview> newest = store.recent_runs(query);
        REQUIRE(newest.size() == 3);
        CHECK(newest[0].started_at == timestamp(9));
        CHECK(newest[1].started_at == timestamp(9));
        CHECK(newest[2].id == tie_second);
    }
    SUBCASE("per_subject 0 keeps nothing") {
        query.per_subject = 0;
        CHECK(store.recent_runs(query).empty());
    }
    SUBCASE("the largest per_subject keeps everything") {
        query.per_subject = std::numeric_limits<std::size_t>::max();
        CHECK(store.recent_runs(query).size() == 2 * days.size() + 2);
    }
}

TEST_CASE("history::Store recent_runs filters by kind and subject glob") {
    fs::path path = fresh_db("history-filters.db");
    Store store(path, Store::Mode::create);
    store.record(make_run("build", "web-app", timestamp(1), {{"wall_s", {1}}}));
    store.record(make_run("build", "web-admin", timestamp(2), {{"wall_s", {2}}}));
    store.record(make_run("build", "api", timestamp(3), {{"wall_s", {3}}}));
    store.record(make_run("install", "web-app", timestamp(4), {{"wall_s", {4}}}));
    store.record(make_run("ai", "Web-App", timestamp(5), {{"tokens_per_s", {5}}}));

    auto subjects_of = [&](const RunQuery& query) {
        std::vector<std::string> found;
        for (const RunOverview& run : store.recent_runs(query)) {
            found.push_back(run.kind + ":" + run.subject);
        }
        return found;
    };
    using List = std::vector<std::string>;

    // Groups come in (kind, subject) order.
    CHECK(subjects_of(RunQuery{}) ==
          List{"ai:Web-App", "build:api", "build:web-admin", "build:web-app", "install:web-app"});

    RunQuery build;
    build.kind = "build";
    CHECK(subjects_of(build) == List{"build:api", "build:web-admin", "build:web-app"});

    RunQuery unknown_kind;
    unknown_kind.kind = "bench";
    CHECK(subjects_of(unknown_kind).empty());

    RunQuery web;
    web.subject_glob = "web-*";
    CHECK(subjects_of(web) == List{"build:web-admin", "build:web-app", "install:web-app"});

    RunQuery web_build = web;
    web_build.kind = "build";
    CHECK(subjects_of(web_build) == List{"build:web-admin", "build:web-app"});

    RunQuery exact;
    exact.subject_glob = "web-app";
    CHECK(subjects_of(exact) == List{"build:web-app", "install:web-app"});

    // GLOB is case-sensitive, unlike LIKE.
    RunQuery upper;
    upper.subject_glob = "Web-*";
    CHECK(subjects_of(upper) == List{"ai:Web-App"});

    RunQuery single;
    single.subject_glob = "ap?";
    CHECK(subjects_of(single) == List{"build:api"});

    RunQuery none;
    none.subject_glob = "nothing*";
    CHECK(subjects_of(none).empty());

    RunQuery class_glob;
    class_glob.subject_glob = "[aw]*";
    CHECK(subjects_of(class_glob).size() == 4);
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

TEST_CASE("history::Store creates missing folders in create mode") {
    fs::path folder = fs::current_path() / "history-nested";
    fs::remove_all(folder);
    fs::path path = folder / "a" / "b" / "perf.db";
    {
        Store store(path, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    CHECK(fs::is_regular_file(path));
    Store reopened(path, Store::Mode::existing);
    CHECK(reopened.recent_runs(everything()).size() == 1);
}

TEST_CASE("history::Store accepts a bare file name in the current folder") {
    fresh_db("history-bare.db");
    fs::path bare("history-bare.db");
    {
        Store store(bare, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    CHECK(fs::is_regular_file(fs::current_path() / bare));
    Store reopened(bare, Store::Mode::existing);
    CHECK(reopened.recent_runs(everything()).size() == 1);
}

TEST_CASE("history::Store initialises an empty file") {
    fs::path path = fresh_db("history-empty-file.db");
    write_bytes(path, "");
    Store store(path, Store::Mode::existing);
    CHECK(store.schema_version() == latest_schema_version);
    CHECK(store.recent_runs(everything()).empty());
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
            std::string error = read_bytes(error_file(path, child_of(pid)));
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

TEST_CASE("history::Store refuses a damaged file and leaves it untouched") {
    auto check_refused = [](const fs::path& path, const std::string& expected_words) {
        std::string before = read_bytes(path);
        REQUIRE_FALSE(before.empty());
        for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
            std::string message = database_error_of([&] { Store store(path, mode); });
            CAPTURE(message);
            CHECK_FALSE(message.empty());
            CHECK(message.find(path.string()) != std::string::npos);
            CHECK(message.find(expected_words) != std::string::npos);
            CHECK(read_bytes(path) == before);
        }
    };

    SUBCASE("4 KB of random bytes") {
        fs::path path = fresh_db("history-random.db");
        std::mt19937 random(12345);
        std::string garbage(4096, '\0');
        for (char& c : garbage) {
            c = static_cast<char>(random() & 0xff);
        }
        write_bytes(path, garbage);
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("4 KB of text") {
        fs::path path = fresh_db("history-text.db");
        std::string text;
        while (text.size() < 4096) {
            text += "This is a shopping list, not a database: eggs, milk, bread.\n";
        }
        text.resize(4096);
        write_bytes(path, text);
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("a few bytes of text") {
        fs::path path = fresh_db("history-short.db");
        write_bytes(path, "hello\n");
        check_refused(path, "damaged or not a SQLite database");
    }
    SUBCASE("a SQLite header followed by garbage") {
        fs::path path = fresh_db("history-header.db");
        std::string bytes("SQLite format 3", 16);
        bytes.resize(4096, '\x5a');
        write_bytes(path, bytes);
        check_refused(path, "damaged or not a SQLite database");
    }
}

namespace {

// A real farm database of a few hundred KB, closed, so that its WAL is checkpointed and gone.
void create_large_database(const fs::path& path) {
    Store store(path, Store::Mode::create);
    std::vector<double> values(20);
    for (int i = 0; i < 300; ++i) {
        for (std::size_t v = 0; v < values.size(); ++v) {
            values[v] = i + 0.001 * static_cast<double>(v);
        }
        store.record(make_run("build", "subject-" + std::to_string(i % 7), timestamp(1 + i % 28),
                              {{"wall_s", values}, {"user_s", values}, {"sys_s", values}}));
    }
}

// Opens a damaged database in both modes and reads every run it can find. Either the open or a
// read must fail with a DatabaseError naming the file; nothing may crash, and the file's bytes
// must stay as they were.
void check_damaged_database(const fs::path& path) {
    std::string before = read_bytes(path);
    for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
        bool refused = false;
        std::string message;
        try {
            Store store(path, mode);
            // Opened: then reading what was lost must fail cleanly.
            try {
                std::vector<RunOverview> runs = store.recent_runs(everything());
                for (const RunOverview& run : runs) {
                    store.load_run(run.id);
                }
            } catch (const DatabaseError& e) {
                refused = true;
                message = e.what();
            }
        } catch (const DatabaseError& e) {
            refused = true;
            message = e.what();
        }
        CAPTURE(message);
        CHECK(refused);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(read_bytes(path) == before);
    }
}

} // namespace

TEST_CASE("history::Store refuses a truncated database and never rewrites it") {
    fs::path path = fresh_db("history-truncated.db");
    create_large_database(path);
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::uintmax_t full = fs::file_size(path);
    REQUIRE(full > 64 * 1024);
    fs::resize_file(path, full / 2);
    check_damaged_database(path);
    CHECK(fs::file_size(path) == full / 2);
}

TEST_CASE("history::Store fails cleanly on a database damaged in place") {
    // The file keeps its size, so nothing is noticed at open; the damage shows when read.
    fs::path path = fresh_db("history-zeroed.db");
    create_large_database(path);
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::string bytes = read_bytes(path);
    REQUIRE(bytes.size() > 64 * 1024);
    std::size_t from = bytes.size() / 2;
    SUBCASE("pages zeroed") {
        std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end(), '\0');
    }
    SUBCASE("pages overwritten with random bytes") {
        std::mt19937 random(777);
        for (std::size_t i = from; i < bytes.size(); ++i) {
            bytes[i] = static_cast<char>(random() & 0xff);
        }
    }
    write_bytes(path, bytes);
    check_damaged_database(path);
}

TEST_CASE("history::Store refuses a database of another program") {
    SUBCASE("tables but no farm schema") {
        fs::path path = fresh_db("history-foreign.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
            db.exec("INSERT INTO notes (text) VALUES ('keep me')");
        }
        std::string before = read_bytes(path);
        for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
            std::string message = database_error_of([&] { Store store(path, mode); });
            CAPTURE(message);
            CHECK(message.find(path.string()) != std::string::npos);
            CHECK(message.find("another program") != std::string::npos);
            CHECK(read_bytes(path) == before);
        }
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA user_version").getInt() == 0);
        CHECK_FALSE(db.tableExists("runs"));
        CHECK(db.execAndGet("SELECT text FROM notes").getString() == "keep me");
    }
    SUBCASE("a user_version but no farm_meta") {
        fs::path path = fresh_db("history-foreign-versioned.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE settings (key TEXT, value TEXT)");
            db.exec("PRAGMA user_version = 1");
        }
        std::string before = read_bytes(path);
        std::string message = database_error_of([&] { Store store(path, Store::Mode::create); });
        CHECK(message.find("another program") != std::string::npos);
        CHECK(read_bytes(path) == before);
    }
    SUBCASE("a farm_meta of another application") {
        fs::path path = fresh_db("history-foreign-meta.db");
        {
            SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE farm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            db.exec("INSERT INTO farm_meta VALUES ('application', 'barn')");
            db.exec("PRAGMA user_version = 2");
        }
        std::string before = read_bytes(path);
        std::string message = database_error_of([&] { Store store(path, Store::Mode::create); });
        CHECK(message.find("another program") != std::string::npos);
        CHECK(read_bytes(path) == before);
    }
}

TEST_CASE("history::Store refuses a database of a newer farm") {
    fs::path path = fresh_db("history-newer.db");
    {
        Store store(path, Store::Mode::create);
        store.record(make_run("build", "app", timestamp(1), {{"wall_s", {1.0}}}));
    }
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
    std::string before = read_bytes(path);
    for (Store::Mode mode : {Store::Mode::existing, Store::Mode::create}) {
        std::string message = database_error_of([&] { Store store(path, mode); });
        CAPTURE(message);
        CHECK(message.find("newer") != std::string::npos);
        CHECK(message.find("99") != std::string::npos);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(read_bytes(path) == before);
    }
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 99);
}

TEST_CASE("history::Store in existing mode neither finds nor creates a missing file") {
    fs::path folder = fs::current_path() / "history-missing";
    fs::remove_all(folder);
    fs::path path = folder / "perf.db";
    std::string message = database_error_of([&] { Store store(path, Store::Mode::existing); });
    CHECK(message.find(path.string()) != std::string::npos);
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(folder));

    fs::path here = fresh_db("history-missing.db");
    CHECK_THROWS_AS(Store(here, Store::Mode::existing), DatabaseError);
    CHECK_FALSE(fs::exists(here));
}

TEST_CASE("history::Store refuses a path it cannot create") {
    fs::path file = fs::current_path() / "history-somefile";
    fs::remove_all(file);
    write_bytes(file, "a regular file\n");
    fs::path path = file / "sub" / "perf.db";
    for (Store::Mode mode : {Store::Mode::create, Store::Mode::existing}) {
        std::string message = database_error_of([&] { Store store(path, mode); });
        CAPTURE(message);
        CHECK_FALSE(message.empty());
        CHECK(message.find((file / "sub").string()) != std::string::npos);
    }
    CHECK(fs::is_regular_file(file));
    CHECK(read_bytes(file) == "a regular file\n");
}

TEST_CASE("history::Store refuses a folder") {
    fs::path folder = fs::current_path() / "history-folder.db";
    fs::remove_all(folder);
    fs::create_directory(folder);
    for (Store::Mode mode : {Store::Mode::create, Store::Mode::existing}) {
        std::string message = database_error_of([&] { Store store(folder, mode); });
        CAPTURE(message);
        CHECK(message.find("folder") != std::string::npos);
        CHECK(message.find(folder.string()) != std::string::npos);
    }
    CHECK(fs::is_directory(folder));
    CHECK(fs::is_empty(folder));
}
