#include "farm/history/run.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

using namespace farm::history;
using farm::measure::IterationRecord;

TEST_CASE("history::series_of groups metrics by name in order of first appearance") {
    std::vector<IterationRecord> iterations{
        {0, 0, 0, {{"wall_s", "s", 3.0}, {"max_rss_bytes", "bytes", 100.0}}},
        {1, 0, 0, {{"wall_s", "s", 1.0}, {"max_rss_bytes", "bytes", 300.0}}},
        {2, 0, 0, {{"wall_s", "s", 2.0}, {"max_rss_bytes", "bytes", 200.0}}},
    };
    std::vector<MetricSeries> series = series_of(iterations);
    REQUIRE(series.size() == 2);
    CHECK(series[0].name == "wall_s");
    CHECK(series[0].unit == "s");
    CHECK(series[0].values == std::vector<double>{3.0, 1.0, 2.0});
    CHECK(series[0].summary.median == 2.0);
    CHECK(series[0].summary.count == 3);
    CHECK(series[1].name == "max_rss_bytes");
    CHECK(series[1].unit == "bytes");
    CHECK(series[1].values == std::vector<double>{100.0, 300.0, 200.0});
    CHECK(series[1].summary.max == 300.0);

    CHECK(series_of({}).empty());
}

TEST_CASE("history::series_of leaves out values that were not measured") {
    std::vector<IterationRecord> iterations{
        {0, 0, 0, {{"tokens_per_s", "count", std::numeric_limits<double>::quiet_NaN()}}},
        {1, 0, 0, {{"tokens_per_s", "count", 4.0}}},
        {2, 0, 0, {{"tokens_per_s", "count", std::numeric_limits<double>::infinity()}}},
        {3, 0, 0, {{"nothing", "count", std::numeric_limits<double>::quiet_NaN()}}},
    };
    std::vector<MetricSeries> series = series_of(iterations);
    REQUIRE(series.size() == 1); // "nothing" has no measured value at all: no series
    CHECK(series[0].values == std::vector<double>{4.0});
    CHECK(series[0].summary.count == 1);
    CHECK(series[0].summary.median == 4.0);
}

TEST_CASE("history::RunStatus converts to and from text") {
    for (RunStatus status : {RunStatus::ok, RunStatus::failed, RunStatus::interrupted}) {
        CHECK(run_status_from_string(to_string(status)) == status);
    }
    CHECK(std::string(to_string(RunStatus::interrupted)) == "interrupted");
    CHECK_THROWS_AS(run_status_from_string("crashed"), farm::DatabaseError);
    CHECK_THROWS_AS(run_status_from_string(""), farm::DatabaseError);
}
