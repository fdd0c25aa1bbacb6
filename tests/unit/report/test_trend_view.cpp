// report::render_trends and the JSON report on a history where a build failed fast: the failed
// run is counted and explained, never the baseline of a trend, a median or a ranking.
#include "farm/report/export_json.hpp"
#include "farm/report/trend_view.hpp"

#include <doctest/doctest.h>

using namespace farm;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

history::RunOverview build_run(std::int64_t id, const std::string& subject, double median,
                               history::RunStatus status = history::RunStatus::ok) {
    history::RunOverview run;
    run.id = id;
    run.kind = "build";
    run.subject = subject;
    run.started_at = "2026-12-06T04:0" + std::to_string(id) + ":00.000Z";
    run.status = status;
    history::MetricSeries wall;
    wall.name = "wall_s";
    wall.unit = "s";
    wall.summary.count = 1;
    wall.summary.median = median;
    run.metrics.push_back(wall);
    return run;
}

// The reported history: the first build failed after 3.6 s, then two builds of about 80 s.
std::vector<report::SubjectTrend> failed_then_ok() {
    report::SubjectTrend web{"build", "build:web", {}};
    web.runs = {build_run(1, "build:web", 3.6, history::RunStatus::failed),
                build_run(3, "build:web", 79.7), build_run(5, "build:web", 80.1)};
    web.runs[0].failure_reason = "exit code 3 in run 1 of 1";
    report::SubjectTrend api{"build", "build:api", {}};
    api.runs = {build_run(2, "build:api", 20.0), build_run(4, "build:api", 22.0)};
    report::SubjectTrend lib{"build", "build:lib", {}};
    lib.runs = {build_run(6, "build:lib", 0.5, history::RunStatus::interrupted)};
    lib.runs[0].failure_reason = "interrupted";
    return {api, lib, web};
}

} // namespace

TEST_CASE("report::render_trends reads completed runs only") {
    std::string text = report::render_trends(failed_then_ok(), false);
    // Not +2109% (3.6 s -> 79.7 s): the trend is 79.7 s -> 80.1 s.
    CHECK_FALSE(contains(text, "+2109"));
    CHECK_FALSE(contains(text, "+2125"));
    CHECK(contains(text, "+0.5%"));
    CHECK_FALSE(contains(text, "3.600 s"));
    // Counted, with the newest failure's reason.
    CHECK(contains(text, "build · build:web  (3 runs, 1 failed)"));
    CHECK(contains(text,
                   "1 failed, not used as numbers; newest: #1 2026-12-06T04:01:00, exit code 3 "
                   "in run 1 of 1"));
    CHECK(contains(text, "build · build:lib  (1 run, 1 interrupted)"));
    CHECK(contains(text, "no completed run in the window"));
    // The slowest packages: web's completed 80.1 s first, lib's interrupted 0.5 s nowhere.
    std::string slowest = text.substr(text.find("slowest package builds"));
    CHECK(contains(slowest, "80.10 s  web"));
    CHECK_FALSE(contains(slowest, " lib\n"));
}

TEST_CASE("report::report_to_json counts failed runs and trends over completed ones") {
    report::ReportData data;
    data.subjects = failed_then_ok();
    nlohmann::json j = report::report_to_json(data);
    const nlohmann::json& web = j["subjects"][2];
    REQUIRE(web["subject"] == "build:web");
    CHECK(web["completed_runs"] == 2);
    CHECK(web["failed_runs"] == 1);
    CHECK(web["newest_failure"]["run_id"] == 1);
    CHECK(web["newest_failure"]["reason"] == "exit code 3 in run 1 of 1");
    CHECK(web["trend"]["wall_s"]["latest"] == 80.1);
    CHECK(web["trend"]["wall_s"]["change_pct"].get<double>() ==
          doctest::Approx(0.5019).epsilon(0.001));
    CHECK(web["runs"].size() == 3); // every run is still listed, with its status
    CHECK(j["subjects"][1]["trend"].empty());
    CHECK(j["subjects"][0]["newest_failure"].is_null());
}

TEST_CASE("report: the newest failure's stored message, in the text and the JSON") {
    std::vector<report::SubjectTrend> subjects = failed_then_ok();
    history::RunOverview& failed = subjects[2].runs[0];
    failed.failure_message = "build of web failed: DATABASE_URL is not set\n"
                             "    at config.ts:3\n"
                             "    (run 1 failed (exit code 3))";
    std::string text = report::render_trends(subjects, false);
    CHECK(contains(text, "in run 1 of 1: build of web failed: DATABASE_URL is not set\n"
                         "    at config.ts:3\n"
                         "    (run 1 failed (exit code 3))\n"));
    report::ReportData data;
    data.subjects = subjects;
    nlohmann::json j = report::report_to_json(data);
    CHECK(j["subjects"][2]["newest_failure"]["message"] == failed.failure_message);
    CHECK(j["subjects"][1]["newest_failure"]["message"].is_null()); // recorded before farm kept it
    // The JSON report reads back with it.
    report::ReportData back = report::report_from_json(j);
    CHECK(back.subjects[2].runs[0].failure_message == failed.failure_message);
}

TEST_CASE("report::render_trends shows the primary metric, --metric all the rest") {
    report::SubjectTrend size{"size", "size:web", {}};
    for (std::int64_t id : {1, 2}) {
        history::RunOverview run;
        run.id = id;
        run.kind = "size";
        run.subject = "size:web";
        for (const char* name : {"files", "bytes", "brotli_bytes"}) {
            history::MetricSeries m;
            m.name = name;
            m.unit = std::string(name) == "files" ? "count" : "bytes";
            m.summary.count = 1;
            m.summary.median = 1000.0 * double(id);
            run.metrics.push_back(m);
        }
        size.runs.push_back(run);
    }
    std::string text = report::render_trends({size}, false, 80);
    CHECK(contains(text, "brotli size")); // a size's primary metric: what a browser downloads
    CHECK_FALSE(contains(text, "   files "));
    CHECK_FALSE(contains(text, "output size"));
    CHECK(contains(text, "(2 more metrics: --metric all)"));
    std::string all = report::render_trends({size}, false, 80, {"all"});
    CHECK(contains(all, "   files "));
    CHECK(contains(all, "output size"));
    CHECK_FALSE(contains(all, "more metric"));
    std::string named = report::render_trends({size}, false, 80, {"files"});
    CHECK(contains(named, "   files "));
    CHECK_FALSE(contains(named, "brotli size"));
}
