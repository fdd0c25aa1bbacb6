#include "farm/report/runner_record.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace farm;

namespace {

pnpm::RunSummary fixture(const std::string& name) {
    std::string path = std::string(FARM_TEST_FIXTURES) + "/turbo/" + name;
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return pnpm::parse_turbo_summary(text.str(), path);
}

// A runner build of `runs` timed runs, each with the given summary and farm's wall time.
pnpm::RunnerBuild build_of(const std::vector<std::string>& summaries, double wall_s) {
    pnpm::RunnerBuild build;
    build.argv = {"/repo/node_modules/.bin/turbo", "run", "build", "--summarize", "--force"};
    for (std::size_t i = 0; i < summaries.size(); ++i) {
        measure::Iteration it;
        it.index = i;
        it.process.wall_s = wall_s;
        build.run.iterations.push_back(it);
        build.summaries.push_back(fixture(summaries[i]));
    }
    return build;
}

const history::Run* find(const report::ProjectReport& r, const std::string& subject) {
    for (const history::Run& run : r.runs) {
        if (run.subject == subject) {
            return &run;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("report::add_runner_runs: build:total is the runner's wall time, tasks by package") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.runner = pnpm::BuildRunner::turbo;
    pnpm::RunnerBuild build = build_of({"turbo2.11-all-miss.json"}, 18.0);
    report::ProjectReport r;
    report::add_runner_runs(plan, build, history::Run{}, r);
    const history::Run* total = find(r, "build:total");
    REQUIRE(total);
    CHECK(total->command == "turbo run build --summarize --force");
    CHECK(total->iterations.at(0).metric("wall_s") == doctest::Approx(18.0));
    const history::Run* serial = find(r, "build:serial_sum");
    REQUIRE(serial);
    CHECK(serial->iterations.at(0).metric("wall_s") == doctest::Approx(18.209));
    const history::Run* web = find(r, "build:@acme/web");
    REQUIRE(web);
    CHECK(web->command.rfind("turbo ", 0) == 0); // the advice reads the runner from it
    CHECK(web->iterations.at(0).metric("wall_s") == doctest::Approx(16.343));
    CHECK(r.runner.runner == "turbo");
    CHECK(r.runner.wall_median_s == doctest::Approx(18.0));

    report::RunnerOverview o = report::overview_of(build);
    CHECK(o.misses == 3);
    CHECK(o.hits == 0);
    CHECK(o.critical_path.back() == "@acme/web#build");
}

TEST_CASE("report::add_runner_runs: a cached build has its own subjects, all hits") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.runner = pnpm::BuildRunner::turbo;
    plan.build_state = pnpm::BuildState::cached;
    pnpm::RunnerBuild build = build_of({"turbo2.11-all-hit.json", "turbo2.11-all-hit.json"}, 0.5);
    report::ProjectReport r;
    report::add_runner_runs(plan, build, history::Run{}, r);
    CHECK(find(r, "build:total:cached"));
    CHECK_FALSE(find(r, "build:total"));
    report::RunnerOverview o = report::overview_of(build);
    CHECK(o.hits == 6);
    CHECK(o.misses == 0);
}

TEST_CASE("report::add_runner_runs: a failed task fails its subject, with turbo's words") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.runner = pnpm::BuildRunner::turbo;
    pnpm::RunnerBuild build = build_of({"turbo2.11-failed.json"}, 3.0);
    build.run.outcome = measure::Outcome::failed;
    report::ProjectReport r;
    report::add_runner_runs(plan, build, history::Run{}, r);
    REQUIRE(find(r, "build:@acme/site"));
    CHECK(find(r, "build:@acme/site")->status == history::RunStatus::failed);
    CHECK(find(r, "build:total")->status == history::RunStatus::failed);
    CHECK_FALSE(r.runner.wall_median_s); // a failed build is never a number for the advice
    report::RunnerOverview o = report::overview_of(build);
    bool found = false;
    for (const report::RunnerTask& t : o.tasks) {
        if (t.id == "@acme/site#build") {
            found = true;
            CHECK(t.failed);
            CHECK(t.error.find("exited (1)") != std::string::npos);
        }
    }
    CHECK(found);
    // The failure's words are stored with the failed runs: the task's, and the build's.
    CHECK(find(r, "build:@acme/site")->failure.find("task @acme/site#build failed in run 1") == 0);
    CHECK(find(r, "build:@acme/site")->failure.find("exited (1)") != std::string::npos);
    CHECK(find(r, "build:total")->failure.find("turbo run build --summarize --force failed") == 0);
    CHECK(find(r, "build:@acme/lib")->failure.empty());
}

TEST_CASE("report::add_unrun_tasks: after a failure every package is listed with its status") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.runner = pnpm::BuildRunner::turbo;
    plan.project = pnpm::load_project(std::string(FARM_TEST_FIXTURES) + "/monorepo");
    // turbo stopped after @acme/site failed: @acme/web (which needs only the library) never ran.
    pnpm::RunnerBuild build = build_of({"turbo2.11-failed.json"}, 3.0);
    build.run.outcome = measure::Outcome::failed;
    report::RunnerOverview o = report::overview_of(build);
    report::add_unrun_tasks(plan, build, o);
    std::map<std::string, std::string> status;
    for (const report::RunnerTask& t : o.tasks) {
        status[t.package] = t.status();
    }
    CHECK(status == std::map<std::string, std::string>{
                        {"@acme/lib", "ok"}, {"@acme/site", "failed"}, {"@acme/web", "not_run"}});
    CHECK(o.tasks.back().id == "@acme/web#build");

    SUBCASE("a package above the failed one is skipped, naming it") {
        for (pnpm::TaskTiming& t : build.summaries[0]->tasks) {
            if (t.package == "@acme/lib") {
                t.exit_code = 1; // the library failed: web and site depend on it
            }
        }
        report::RunnerOverview again = report::overview_of(build);
        report::add_unrun_tasks(plan, build, again);
        CHECK(std::string(again.tasks.back().status()) == "skipped");
        CHECK(again.tasks.back().blocked_by == "@acme/lib");
    }
    SUBCASE("nothing is added to a completed build") {
        build.run.outcome = measure::Outcome::completed;
        report::RunnerOverview done = report::overview_of(build);
        report::add_unrun_tasks(plan, build, done);
        CHECK(done.tasks.size() == 2);
    }
}
