#include "farm/report/junit.hpp"

#include <doctest/doctest.h>

using namespace farm;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

analysis::CheckResult check(const std::string& subject, analysis::CheckVerdict verdict) {
    analysis::CheckResult c;
    c.suite = "s";
    c.subject = subject;
    c.metric = "wall_s";
    c.unit = "s";
    c.value = 0.25;
    c.max = 0.1;
    c.verdict = verdict;
    c.message = verdict == analysis::CheckVerdict::fail ? "too slow" : "";
    return c;
}

} // namespace

TEST_CASE("report::xml_escape") {
    CHECK(report::xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
    CHECK(report::xml_escape(std::string("x\x01y\tz\n", 6)) == "xy\tz\n");
    CHECK(report::xml_escape("héllo") == "héllo");
}

TEST_CASE("report::render_junit") {
    report::SuiteOutcome passed;
    passed.name = "quick & <dirty>";
    passed.kind = "build";
    passed.duration_s = 1.5;
    passed.checks = {check("q", analysis::CheckVerdict::pass),
                     check("q2", analysis::CheckVerdict::fail)};
    report::SuiteOutcome skipped;
    skipped.name = "servers";
    skipped.kind = "dev";
    skipped.job.skip_reason = "perf:dev is not available in this build";
    report::SuiteOutcome broken;
    broken.name = "broken";
    broken.kind = "build";
    broken.job.outcome = measure::Outcome::failed;
    broken.job.failure = "exit code 1";

    std::string xml = report::render_junit({passed, skipped, broken}, "2026-01-01T00:00:00Z");
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    CHECK(xml.find("tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\"") != std::string::npos);
    CHECK(count_of(xml, "<testsuite ") == 3);
    CHECK(count_of(xml, "<testcase ") == 4);
    CHECK(count_of(xml, "<failure ") == 2);
    CHECK(count_of(xml, "<skipped ") == 1);
    CHECK(xml.find("name=\"quick &amp; &lt;dirty&gt;\"") != std::string::npos);
    // The failure's message says it in words and units (report::check_reason).
    CHECK(xml.find("message=\"wall time 250.0 ms is over the limit of 100.0 ms\">250.0 ms, limit "
                   "&lt;= 100.0 ms</failure>") != std::string::npos);
    CHECK(xml.find("message=\"exit code 1\"") != std::string::npos);
    CHECK(xml.find("perf:dev is not available") != std::string::npos);
    CHECK(xml.ends_with("</testsuites>\n"));
}
