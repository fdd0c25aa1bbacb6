// ai::parse_levels, parse_slo, meets_slo and find_knee: the definitions of docs/metrics.md.
#include "farm/ai/sweep.hpp"
#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm;

namespace {

measure::IterationRecord request(double ttft, double e2e, int exit_code = 0) {
    measure::IterationRecord r;
    r.exit_code = exit_code;
    r.metrics = {{"ttft_ms", "ms", ttft}, {"e2e_ms", "ms", e2e}};
    return r;
}

std::string usage_error(const std::string& text) {
    try {
        ai::parse_slo(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    FAIL_CHECK("no UsageError for '" << text << "'");
    return {};
}

} // namespace

TEST_CASE("ai::parse_levels") {
    CHECK(ai::parse_levels("1,2,4,8", "--concurrency-levels", true) ==
          std::vector<double>{1, 2, 4, 8});
    CHECK(ai::parse_levels("0.5, 1,2.5", "--rates", false) == std::vector<double>{0.5, 1, 2.5});
    CHECK_THROWS_AS(ai::parse_levels("1,2.5", "--concurrency-levels", true), UsageError);
    CHECK_THROWS_AS(ai::parse_levels("0,1", "--concurrency-levels", true), UsageError);
    CHECK(ai::parse_levels("16,2,4", "--concurrency-levels", true) ==
          std::vector<double>{2, 4, 16});
    CHECK_THROWS_AS(ai::parse_levels("4,2,4", "--concurrency-levels", true), UsageError);
    CHECK_THROWS_AS(ai::parse_levels("1,,2", "--rates", false), UsageError);
    CHECK_THROWS_AS(ai::parse_levels("1,x", "--rates", false), UsageError);
}

TEST_CASE("ai::parse_slo") {
    ai::Slo slo = ai::parse_slo("ttft=500ms,tpot=50ms,e2e=5s");
    CHECK(slo.ttft_ms == 500);
    CHECK(slo.tpot_ms == 50);
    CHECK(slo.e2e_ms == 5000);
    CHECK_FALSE(slo.itl_ms);
    CHECK(ai::parse_slo(" itl = 1.5s ").itl_ms == 1500);
    CHECK(ai::to_string(slo) == "ttft<=500ms, tpot<=50ms, e2e<=5000ms");

    CHECK(usage_error("ttft=500").find("'500'") != std::string::npos);  // no unit
    CHECK(usage_error("ttft=5m").find("ms or s") != std::string::npos); // unknown unit
    CHECK(usage_error("speed=5ms").find("unknown metric 'speed'") != std::string::npos);
    CHECK(usage_error("ttft=5ms,ttft=6ms").find("twice") != std::string::npos);
    CHECK(usage_error("ttft").find("NAME=VALUE") != std::string::npos);
    CHECK(usage_error("").find("NAME=VALUE") != std::string::npos);
    CHECK(usage_error("ttft=-5ms").find("positive") != std::string::npos);
}

TEST_CASE("ai::meets_slo and requests_meeting") {
    ai::Slo slo = ai::parse_slo("ttft=100ms,e2e=1s");
    CHECK(ai::meets_slo(slo, request(100, 1000))); // at the ceiling meets it
    CHECK_FALSE(ai::meets_slo(slo, request(101, 500)));
    CHECK_FALSE(ai::meets_slo(slo, request(50, 1001)));
    CHECK_FALSE(ai::meets_slo(slo, request(50, 500, 1))); // failed
    measure::IterationRecord no_ttft;
    no_ttft.metrics = {{"e2e_ms", "ms", 10}};
    CHECK_FALSE(ai::meets_slo(slo, no_ttft)); // a metric it does not have does not meet it
    CHECK(ai::meets_slo(ai::Slo{}, no_ttft));
    measure::RecordSpool requests;
    for (const measure::IterationRecord& r :
         {request(10, 20), request(200, 300), request(10, 20, 1)}) {
        requests.append(r);
    }
    CHECK(ai::requests_meeting(slo, requests) == 1);
}

TEST_CASE("ai::find_knee") {
    using P = ai::SweepPoint;
    CHECK_FALSE(ai::find_knee({}));
    CHECK_FALSE(ai::find_knee({P{1, 10, 100}}));
    SUBCASE("throughput stops growing") {
        std::optional<ai::Knee> knee =
            ai::find_knee({P{1, 10, 100}, P{2, 19, 105}, P{4, 35, 110}, P{8, 36, 220}});
        REQUIRE(knee);
        CHECK(knee->index == 2);
        CHECK_FALSE(knee->beyond_range);
    }
    SUBCASE("latency grows by half or more while throughput still grows") {
        std::optional<ai::Knee> knee = ai::find_knee({P{1, 10, 100}, P{2, 20, 150}});
        REQUIRE(knee);
        CHECK(knee->index == 0);
    }
    SUBCASE("exactly +10% throughput and just under +50% latency still scales") {
        std::optional<ai::Knee> knee = ai::find_knee({P{1, 10, 100}, P{2, 11, 149.9}});
        REQUIRE(knee);
        CHECK(knee->index == 1);
        CHECK(knee->beyond_range);
    }
    SUBCASE("the first bend counts, a later recovery does not") {
        std::optional<ai::Knee> knee =
            ai::find_knee({P{1, 10, 100}, P{2, 10.5, 100}, P{4, 40, 100}});
        REQUIRE(knee);
        CHECK(knee->index == 0);
    }
}
