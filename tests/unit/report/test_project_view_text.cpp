// report::render_project's install section: a warm scenario's run that downloaded packages is
// said not to be warm (its time includes downloads), with the runs named; cold runs download by
// design and get no such warning.
#include "farm/report/project_view.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm;

namespace {

std::string install_text(pnpm::InstallScenario scenario, std::vector<std::size_t> downloads) {
    pnpm::ProjectBenchmarkPlan plan;
    plan.install = scenario;
    pnpm::ProjectBenchmarkResult result;
    result.install.emplace();
    for (std::size_t downloaded : downloads) {
        pnpm::InstallStats stats;
        stats.downloaded = downloaded;
        stats.reused = 34 - downloaded;
        result.install->stats.push_back(stats);
    }
    return report::render_project(plan, result, report::ProjectReport{}, {}, {}, false);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("report::render_project: warm runs that downloaded are not called warm") {
    std::string text = install_text(pnpm::InstallScenario::warm, {34, 0, 2});
    CHECK_MESSAGE(contains(text, "warning: not warm: runs 1 (34 downloaded), 3 (2 downloaded) "
                                 "fetched packages the store did not hold"),
                  text);
    CHECK_MESSAGE(contains(install_text(pnpm::InstallScenario::offline, {5}),
                           "warning: not warm: run 1 (5 downloaded)"),
                  text);
    CHECK_FALSE(contains(install_text(pnpm::InstallScenario::warm, {0, 0}), "not warm"));
    CHECK_FALSE(contains(install_text(pnpm::InstallScenario::cold, {34, 34}), "not warm"));
}

TEST_CASE("report::project_to_json: not_warm_runs names the same runs") {
    pnpm::ProjectBenchmarkPlan plan;
    plan.install = pnpm::InstallScenario::warm;
    pnpm::ProjectBenchmarkResult result;
    result.install.emplace();
    result.install->stats.resize(3);
    result.install->stats[1].downloaded = 7;
    report::ProjectReport report;
    history::Run run;
    run.subject = "install:warm";
    report.runs.push_back(run);
    nlohmann::json j = report::project_to_json(plan, result, report, {}, {});
    CHECK(j["install"]["not_warm_runs"] == nlohmann::json::array({2}));
}
