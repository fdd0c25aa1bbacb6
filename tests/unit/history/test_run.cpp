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

TEST_CASE("history::fold_failure_flags shows the rate of failed requests, not their median") {
    // 8 of 40 requests failed, the first one among them: the median of the 0/1 flags is 0.
    std::vector<farm::measure::IterationRecord> iterations;
    for (int i = 0; i < 40; ++i) {
        bool failed = i % 5 == 0;
        farm::measure::IterationRecord it;
        it.index = i;
        it.metrics.push_back({"failed", "count", failed ? 1.0 : 0.0});
        if (!failed) {
            it.metrics.push_back({"e2e_ms", "ms", 100});
        }
        iterations.push_back(it);
    }
    RunOverview run;
    run.metrics = series_of(iterations);
    REQUIRE(run.metric("failed"));
    CHECK(run.metric("failed")->summary.median == 0);
    run.metrics.front().values.clear(); // reports load summaries only
    fold_failure_flags(run);
    CHECK_FALSE(run.metric("failed"));
    const MetricSeries* rate = run.metric("error_rate");
    REQUIRE(rate);
    CHECK(rate->unit == "ratio");
    CHECK(rate->summary.median == doctest::Approx(0.2));
    CHECK(rate->summary.mean == doctest::Approx(0.2));
    CHECK(run.metrics.front().name == "e2e_ms"); // a run is still known by its first metric
    CHECK(run.metrics.back().name == "error_rate");

    RunOverview build;
    build.metrics = series_of({farm::measure::IterationRecord{0, 0, 0, {{"wall_s", "s", 1.5}}}});
    fold_failure_flags(build);
    CHECK(build.metrics.size() == 1);
    CHECK_FALSE(build.metric("error_rate"));
}

TEST_CASE("history::fold_ai_series adds requests/s and tokens/s, drops prompt_index") {
    std::vector<farm::measure::IterationRecord> iterations;
    for (int i = 0; i < 10; ++i) {
        bool failed = i < 2;
        farm::measure::IterationRecord it;
        it.index = i;
        it.metrics.push_back({"failed", "count", failed ? 1.0 : 0.0});
        if (!failed) {
            it.metrics.push_back({"output_tokens", "count", 50});
        }
        it.metrics.push_back({"prompt_index", "count", double(i % 5)});
        iterations.push_back(it);
    }
    RunOverview run;
    run.kind = "ai";
    run.duration_s = 4;
    run.metrics = series_of(iterations);
    fold_ai_series(run);
    fold_failure_flags(run);
    CHECK_FALSE(run.metric("prompt_index"));
    REQUIRE(run.metric("request_throughput"));
    CHECK(run.metric("request_throughput")->summary.median == doctest::Approx(2)); // 8 / 4 s
    CHECK(run.metric("request_throughput")->unit == "req/s");
    REQUIRE(run.metric("output_token_throughput"));
    CHECK(run.metric("output_token_throughput")->summary.median == doctest::Approx(100));
    CHECK(run.metric("error_rate")->summary.median == doctest::Approx(0.2));

    RunOverview build;
    build.kind = "build";
    build.duration_s = 1;
    build.metrics =
        series_of({farm::measure::IterationRecord{0, 0, 0, {{"prompt_index", "count", 1}}}});
    fold_ai_series(build);
    CHECK(build.metric("prompt_index")); // other kinds are left alone
    CHECK_FALSE(build.metric("request_throughput"));
}

TEST_CASE("history::RunOverview::primary_metric: the first recorded, brotli bytes for sizes") {
    RunOverview run;
    CHECK(run.primary_metric() == nullptr);
    for (const char* name : {"files", "bytes", "gzip_bytes", "brotli_bytes"}) {
        MetricSeries series;
        series.name = name;
        run.metrics.push_back(series);
    }
    run.kind = "build";
    REQUIRE(run.primary_metric() != nullptr);
    CHECK(run.primary_metric()->name == "files");
    // An output size is compared on what a browser downloads, not on its number of files.
    run.kind = "size";
    CHECK(run.primary_metric()->name == "brotli_bytes");
    run.metrics.pop_back(); // a size run without brotli: the first one recorded
    CHECK(run.primary_metric()->name == "files");
}
