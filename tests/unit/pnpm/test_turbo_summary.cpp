#include "farm/pnpm/turbo_summary.hpp"

#include "farm/core/error.hpp"
#include "farm/pnpm/nx_profile.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace farm::pnpm;

namespace {

// A run summary turbo 2.11.13 wrote for tests/fixtures/monorepo.
RunSummary fixture(const std::string& name) {
    std::string path = std::string(FARM_TEST_FIXTURES) + "/turbo/" + name;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return parse_turbo_summary(text.str(), path);
}

const TaskTiming& task(const RunSummary& summary, const std::string& id) {
    for (const TaskTiming& t : summary.tasks) {
        if (t.id == id) {
            return t;
        }
    }
    FAIL("no task " << id);
    return summary.tasks.at(0); // not reached: FAIL throws
}

std::string message_of(const std::string& text) {
    try {
        parse_turbo_summary(text, "runs/x.json");
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

TEST_CASE("pnpm::parse_turbo_summary: every task a miss, with turbo's own times") {
    RunSummary s = fixture("turbo2.11-all-miss.json");
    CHECK(s.runner_version == "2.11.13");
    REQUIRE(s.tasks.size() == 3);
    CHECK(s.exit_code == 0);
    CHECK(s.attempted == 3);
    CHECK(s.wall_s() == doctest::Approx(17.425));
    const TaskTiming& web = task(s, "@acme/web#build");
    CHECK(web.package == "@acme/web");
    CHECK(web.task == "build");
    CHECK(web.duration_s() == doctest::Approx(16.343));
    CHECK(web.cache == TaskCache::miss);
    CHECK_FALSE(web.failed());
    CHECK(web.dependencies == std::vector<std::string>{"@acme/lib#build"});
    CHECK(task(s, "@acme/lib#build").duration_s() == doctest::Approx(1.063));
    CHECK(serial_sum_s(s) == doctest::Approx(1.063 + 0.803 + 16.343));
    // lib, then web (the longest chain): site waits for lib too but is shorter.
    CHECK(critical_path(s) == std::vector<std::string>{"@acme/lib#build", "@acme/web#build"});
    REQUIRE(parallelism(s));
    CHECK(*parallelism(s) == doctest::Approx((1.063 + 0.803 + 16.343) / 17.425));
}

TEST_CASE("pnpm::parse_turbo_summary: every task a cache hit") {
    RunSummary s = fixture("turbo2.11-all-hit.json");
    REQUIRE(s.tasks.size() == 3);
    for (const TaskTiming& t : s.tasks) {
        CHECK(t.cache == TaskCache::hit);
        CHECK(t.exit_code == 0);
    }
    CHECK(s.wall_s() == doctest::Approx(0.008));
    CHECK_FALSE(parallelism(s)); // nothing ran: restoring from the cache is no parallel work
}

TEST_CASE("pnpm::parse_turbo_summary: a failed task keeps turbo's words") {
    RunSummary s = fixture("turbo2.11-failed.json");
    CHECK(s.exit_code == 1);
    CHECK(s.attempted == 3);
    REQUIRE(s.tasks.size() == 2); // web never started
    const TaskTiming& site = task(s, "@acme/site#build");
    CHECK(site.failed());
    CHECK(site.exit_code == 1);
    CHECK(site.error.find("pnpm run build exited (1)") != std::string::npos);
    CHECK_FALSE(task(s, "@acme/lib#build").failed());
}

TEST_CASE("pnpm::parse_turbo_summary: hostile input is refused with where, never a crash") {
    CHECK(message_of("{\n  \"tasks\": [,]\n}").find("runs/x.json:2:") == 0);
    CHECK(message_of("[]").find("not a turbo run summary") != std::string::npos);
    CHECK(message_of("{\"tasks\": 3}").find("no \"tasks\" array") != std::string::npos);
    CHECK(message_of("{\"tasks\": [7]}").find("tasks[0] is not an object") != std::string::npos);
    CHECK(message_of("{\"tasks\": [{\"cache\": 1}]}").find("no taskId") != std::string::npos);
    CHECK(message_of("{\"tasks\": [], \"x\": 1e999}").find("runs/x.json:1:") == 0);
    // Wrong types are treated as missing.
    RunSummary s = parse_turbo_summary(
        R"({"execution": "x", "tasks": [{"taskId": "a#build", "execution": {"startTime": "1",
            "endTime": null, "exitCode": 1e300}, "cache": {"status": 5}, "dependencies": 4}]})",
        "x.json");
    REQUIRE(s.tasks.size() == 1);
    CHECK(s.tasks[0].package == "a");
    CHECK(s.tasks[0].duration_s() == 0);
    CHECK_FALSE(s.tasks[0].exit_code);
    CHECK(s.tasks[0].cache == TaskCache::unknown);
    CHECK_FALSE(parallelism(s));
}

TEST_CASE("pnpm::critical_path: a dependency cycle cannot loop") {
    RunSummary s;
    s.tasks = {{"a", "a", "build", 0, 1000, 0, "", TaskCache::miss, {"b"}},
               {"b", "b", "build", 0, 2000, 0, "", TaskCache::miss, {"a", "missing"}}};
    std::vector<std::string> path = critical_path(s);
    CHECK_FALSE(path.empty());
    CHECK(path.size() <= 2);
}

TEST_CASE("pnpm::parse_nx_profile: tasks from the trace's complete events") {
    RunSummary s = parse_nx_profile(
        R"([{"name": "thread", "ph": "M"},
            {"name": "lib:build", "ph": "X", "ts": 1000, "dur": 2000000,
             "args": {"status": "success"}},
            {"name": "web:build", "ph": "X", "ts": 2001000, "dur": 500,
             "args": {"status": "local-cache"}},
            {"name": "site:build", "ph": "X", "ts": 2001000, "dur": 1000,
             "args": {"status": "failure"}},
            {"name": "bad", "ph": "X", "ts": "no"}])",
        "profile.json");
    REQUIRE(s.tasks.size() == 3);
    CHECK(s.tasks[0].package == "lib");
    CHECK(s.tasks[0].task == "build");
    CHECK(s.tasks[0].duration_s() == doctest::Approx(2.0));
    CHECK(s.tasks[0].cache == TaskCache::miss);
    CHECK(s.tasks[1].cache == TaskCache::hit);
    CHECK(s.tasks[2].failed());
    CHECK(s.exit_code == 1);
    CHECK_THROWS_AS(parse_nx_profile("{}", "p.json"), farm::UsageError);
}
