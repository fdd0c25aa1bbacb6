// report::project_runs with a package that failed: its runs are recorded as failed and are no
// finding, packages that never ran record nothing, and build:total is left out.
#include "farm/report/project_record.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm;

namespace {

measure::RunResult runs_of(std::vector<double> walls, int last_exit_code = 0) {
    measure::RunResult run;
    for (std::size_t i = 0; i < walls.size(); ++i) {
        measure::Iteration it;
        it.index = i;
        it.process.wall_s = walls[i];
        it.process.exit_code = i + 1 == walls.size() ? last_exit_code : 0;
        run.iterations.push_back(it);
    }
    run.outcome = last_exit_code == 0 ? measure::Outcome::completed : measure::Outcome::failed;
    return run;
}

pnpm::PackageBuild build_of(const pnpm::Package& package, measure::RunResult run) {
    pnpm::PackageBuild build;
    build.package = &package;
    build.argv = {"pnpm", "--filter", package.name, "run", "build"};
    build.run = std::move(run);
    return build;
}

pnpm::Package package(const std::string& name) {
    pnpm::Package p;
    p.name = name;
    p.dir = "/ws/packages/" + name;
    p.scripts["build"] = "node build.mjs";
    return p;
}

const history::Run* find(const report::ProjectReport& report, const std::string& subject) {
    for (const history::Run& r : report.runs) {
        if (r.subject == subject) {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("report::project_runs records a failed package as failed and no total") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.install = pnpm::InstallScenario::none;
    plan.project.packages = {package("tool"), package("lib"), package("ui"), package("web")};
    const std::vector<pnpm::Package>& p = plan.project.packages;

    pnpm::ProjectBenchmarkResult result;
    result.outcome = measure::Outcome::failed;
    pnpm::PackageBuild tool = build_of(p[0], runs_of({30.0}));
    tool.output = pnpm::PackageOutput{};
    tool.output->files = 2;
    tool.output->bytes = 100;
    pnpm::PackageBuild lib = build_of(p[1], runs_of({4.0}, 3));
    lib.status = pnpm::PackageStatus::failed;
    pnpm::PackageBuild ui = build_of(p[2], {});
    ui.status = pnpm::PackageStatus::skipped;
    ui.blocked_by = "lib";
    pnpm::PackageBuild web = build_of(p[3], {});
    web.status = pnpm::PackageStatus::not_run;
    result.builds = {tool, lib, ui, web};

    history::Run base;
    base.started_at = "2026-12-06T04:00:00.000Z";
    report::ProjectReport report = report::project_runs(plan, result, base);

    REQUIRE(find(report, "build:tool"));
    CHECK(find(report, "build:tool")->status == history::RunStatus::ok);
    REQUIRE(find(report, "build:lib"));
    CHECK(find(report, "build:lib")->status == history::RunStatus::failed);
    CHECK(find(report, "build:ui") == nullptr);  // skipped: never ran
    CHECK(find(report, "build:web") == nullptr); // not run
    // A sum over some packages would read as a faster build.
    CHECK(find(report, "build:total") == nullptr);
    // Advice reads completed builds only: the 4 s failure is no "build takes" finding.
    REQUIRE(report.packages.size() == 1);
    CHECK(report.packages[0].name == "tool");
    CHECK(*report.packages[0].build_median_s == doctest::Approx(30.0));

    SUBCASE("every package completed: build:total is the sum per run") {
        result.outcome = measure::Outcome::completed;
        lib.status = pnpm::PackageStatus::ok;
        lib.run = runs_of({4.0});
        result.builds = {tool, lib};
        report::ProjectReport ok = report::project_runs(plan, result, base);
        REQUIRE(find(ok, "build:total"));
        CHECK(find(ok, "build:total")->status == history::RunStatus::ok);
        CHECK(*find(ok, "build:total")->iterations[0].metric("wall_s") == doctest::Approx(34.0));
        CHECK(ok.packages.size() == 2);
    }
}
