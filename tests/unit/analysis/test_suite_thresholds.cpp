#include "farm/analysis/suite_thresholds.hpp"

#include <doctest/doctest.h>

using namespace farm;
using analysis::CheckVerdict;

namespace {

history::Run run_of(const std::string& subject, const std::vector<double>& wall) {
    history::Run run;
    run.kind = "build";
    run.subject = subject;
    for (std::size_t i = 0; i < wall.size(); ++i) {
        measure::IterationRecord it;
        it.index = int(i);
        it.metrics.push_back({"wall_s", "s", wall[i]});
        run.iterations.push_back(it);
    }
    return run;
}

core::SuiteThreshold threshold(const std::string& subject, const std::string& metric,
                               std::optional<double> max, std::optional<double> min = {}) {
    core::SuiteThreshold t;
    t.subject = subject;
    t.metric = metric;
    t.max = max;
    t.min = min;
    return t;
}

} // namespace

TEST_CASE("analysis::subject_matches") {
    CHECK(analysis::subject_matches("*", "anything/at:all"));
    CHECK(analysis::subject_matches("build:*", "build:@example/web"));
    CHECK(analysis::subject_matches("build:?eb", "build:web"));
    CHECK(analysis::subject_matches("a*b*c", "aXXbYYc"));
    CHECK_FALSE(analysis::subject_matches("build:*", "install:warm"));
    CHECK_FALSE(analysis::subject_matches("a*b", "aXbY"));
    CHECK_FALSE(analysis::subject_matches("web", "web2"));
    CHECK(analysis::subject_matches("", ""));
}

TEST_CASE("analysis::check_suite_thresholds") {
    std::vector<history::Run> runs = {run_of("build:web", {1.0, 3.0, 2.0}),
                                      run_of("build:api", {0.5, 0.5})};
    SUBCASE("the median against max and min") {
        std::vector<analysis::CheckResult> r = analysis::check_suite_thresholds(
            "s", {threshold("build:web", "wall_s", 2.0), threshold("build:web", "wall_s", 1.9)},
            runs);
        REQUIRE(r.size() == 2);
        CHECK(r[0].value == std::optional<double>(2.0));
        CHECK(r[0].unit == "s");
        CHECK(r[0].verdict == CheckVerdict::pass); // at the limit passes
        CHECK(r[1].verdict == CheckVerdict::fail);
        CHECK(r[1].message.find("at most 1.9") != std::string::npos);
        CHECK(analysis::any_failed(r));
    }
    SUBCASE("another statistic than the median") {
        core::SuiteThreshold p90 = threshold("build:web", "wall_s", 2.5);
        p90.stat = "p90";
        core::SuiteThreshold top = threshold("build:web", "wall_s", 3.0);
        top.stat = "max";
        core::SuiteThreshold mean = threshold("build:web", "wall_s", std::nullopt, 2.0);
        mean.stat = "mean";
        std::vector<analysis::CheckResult> r =
            analysis::check_suite_thresholds("s", {p90, top, mean}, runs);
        REQUIRE(r.size() == 3);
        CHECK(r[0].metric == "wall_s p90");
        CHECK(r[0].value == doctest::Approx(2.8)); // between 2 and 3, linear
        CHECK(r[0].verdict == CheckVerdict::fail);
        CHECK(r[0].message.find("wall_s p90 2.8 is not at most 2.5") != std::string::npos);
        CHECK(r[1].value == std::optional<double>(3.0));
        CHECK(r[1].verdict == CheckVerdict::pass);
        CHECK(r[2].value == std::optional<double>(2.0));
        CHECK(r[2].verdict == CheckVerdict::pass);
    }
    SUBCASE("error_rate: the share of failed iterations") {
        history::Run requests = run_of("local/m/chat_stream", {1, 1, 1, 1});
        requests.iterations[1].exit_code = 1;
        std::vector<analysis::CheckResult> r = analysis::check_suite_thresholds(
            "s",
            {threshold("local/*", "error_rate", 0.25), threshold("local/*", "error_rate", 0.0)},
            {requests});
        REQUIRE(r.size() == 2);
        CHECK(r[0].value == std::optional<double>(0.25));
        CHECK(r[0].verdict == CheckVerdict::pass);
        CHECK(r[1].verdict == CheckVerdict::fail);
        CHECK(r[1].message.find("error_rate 0.25 is not at most 0") != std::string::npos);
    }
    SUBCASE("a glob checks every matching run") {
        std::vector<analysis::CheckResult> r = analysis::check_suite_thresholds(
            "s", {threshold("build:*", "wall_s", std::nullopt, 1.0)}, runs);
        REQUIRE(r.size() == 2);
        CHECK(r[0].subject == "build:web");
        CHECK(r[0].verdict == CheckVerdict::pass);
        CHECK(r[1].subject == "build:api");
        CHECK(r[1].verdict == CheckVerdict::fail);
        CHECK(r[1].message.find("at least 1") != std::string::npos);
    }
    SUBCASE("nothing matched or measured fails") {
        std::vector<analysis::CheckResult> r = analysis::check_suite_thresholds(
            "s", {threshold("size:*", "wall_s", 1.0), threshold("build:api", "ttft_ms", 1.0)},
            runs);
        REQUIRE(r.size() == 2);
        CHECK(r[0].verdict == CheckVerdict::fail);
        CHECK_FALSE(r[0].value.has_value());
        CHECK(r[0].message.find("no subject") != std::string::npos);
        CHECK(r[1].verdict == CheckVerdict::fail);
        CHECK(r[1].message.find("no ttft_ms") != std::string::npos);
    }
    SUBCASE("no thresholds, no results") {
        CHECK(analysis::check_suite_thresholds("s", {}, runs).empty());
        CHECK_FALSE(analysis::any_failed({}));
    }
}

TEST_CASE("analysis::budget_check") {
    analysis::BudgetResult b;
    b.budget.path = "dist/*.js";
    b.budget.limit_bytes = 1000;
    b.budget.limit_text = "1 kB";
    b.budget.compression = core::Compression::gzip;
    b.size.files = 2;
    b.measured_bytes = 1500;
    b.passed = false;
    analysis::CheckResult r = analysis::budget_check("s", b);
    CHECK(r.subject == "size:dist/*.js");
    CHECK(r.metric == "gzip_bytes");
    CHECK(r.value == std::optional<double>(1500));
    CHECK(r.max == std::optional<double>(1000));
    CHECK(r.verdict == CheckVerdict::fail);
    CHECK(r.message.find("1 kB") != std::string::npos);
    b.size.files = 0;
    CHECK_FALSE(analysis::budget_check("s", b).value.has_value());
}
