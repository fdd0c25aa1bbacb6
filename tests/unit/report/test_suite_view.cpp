// perf:test's reasons: a failed threshold said in words and in the metric's unit.
#include "farm/report/suite_view.hpp"

#include <doctest/doctest.h>

using farm::analysis::CheckResult;
using farm::analysis::CheckVerdict;
using farm::report::check_reason;

namespace {

CheckResult failed(const char* metric, const char* unit, double value) {
    CheckResult c;
    c.subject = "build:app";
    c.metric = metric;
    c.unit = unit;
    c.value = value;
    c.verdict = CheckVerdict::fail;
    c.message = "analysis's own words";
    return c;
}

} // namespace

TEST_CASE("report::check_reason names the metric, its value and the limit in units") {
    CheckResult over = failed("wall_s p95", "s", 0.0145675);
    over.max = 0.001;
    CHECK(check_reason(over) == "wall time p95 14.57 ms is over the limit of 1.000 ms");

    CheckResult under = failed("max_rss_bytes", "bytes", 1024.0 * 1024);
    under.min = 2.0 * 1024 * 1024;
    CHECK(check_reason(under).find("is under the minimum of") != std::string::npos);
    CHECK(check_reason(under).find("MiB") != std::string::npos);

    CheckResult nothing = failed("wall_s", "s", 0);
    nothing.value.reset();
    nothing.max = 1;
    CHECK(check_reason(nothing) == "analysis's own words"); // no value: the analysis's reason

    CheckResult passed = failed("wall_s", "s", 0.5);
    passed.max = 1;
    passed.verdict = CheckVerdict::pass;
    CHECK(check_reason(passed) == "analysis's own words");
}
