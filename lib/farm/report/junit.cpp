#include "farm/report/junit.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/suite_view.hpp"

#include <cstdio>

namespace farm::report {

namespace {

std::string seconds_text(double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", seconds);
    return buffer;
}

struct Counts {
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t skipped = 0;
};

Counts counts_of(const SuiteOutcome& suite) {
    Counts c;
    if (suite.skipped()) {
        return {1, 0, 1};
    }
    bool job_failed = suite.job.outcome != measure::Outcome::completed;
    c.tests = suite.checks.size() + (job_failed ? 1 : 0);
    c.failures = job_failed ? 1 : 0;
    for (const analysis::CheckResult& check : suite.checks) {
        c.failures += check.verdict == analysis::CheckVerdict::fail;
        c.skipped += check.verdict == analysis::CheckVerdict::skipped;
    }
    return c;
}

} // namespace

std::string xml_escape(const std::string& text) {
    // XML 1.0 allows no control characters but tab, newline and carriage return; the rest is
    // escaped as HTML text is (&#39; for the apostrophe is XML too).
    std::string allowed;
    allowed.reserve(text.size());
    for (char ch : text) {
        if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
            allowed += ch;
        }
    }
    return html_escape(allowed);
}

std::string render_junit(const std::vector<SuiteOutcome>& suites, const std::string& timestamp) {
    Counts total;
    double total_time = 0;
    for (const SuiteOutcome& s : suites) {
        Counts c = counts_of(s);
        total.tests += c.tests;
        total.failures += c.failures;
        total.skipped += c.skipped;
        total_time += s.duration_s;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"farm perf:test\" tests=\"" + std::to_string(total.tests) +
           "\" failures=\"" + std::to_string(total.failures) + "\" errors=\"0\" skipped=\"" +
           std::to_string(total.skipped) + "\" time=\"" + seconds_text(total_time) + "\">\n";
    for (const SuiteOutcome& s : suites) {
        Counts c = counts_of(s);
        std::string name = xml_escape(s.name);
        out += "  <testsuite name=\"" + name + "\" tests=\"" + std::to_string(c.tests) +
               "\" failures=\"" + std::to_string(c.failures) + "\" errors=\"0\" skipped=\"" +
               std::to_string(c.skipped) + "\" time=\"" + seconds_text(s.duration_s) +
               "\" timestamp=\"" + xml_escape(timestamp) + "\">\n";
        out += "    <properties><property name=\"kind\" value=\"" + xml_escape(s.kind) +
               "\"/></properties>\n";
        if (s.skipped()) {
            out += "    <testcase classname=\"" + name + "\" name=\"" + xml_escape(s.kind) +
                   " job\" time=\"0\">\n      <skipped message=\"" + xml_escape(s.job.skip_reason) +
                   "\"/>\n    </testcase>\n";
        } else if (s.job.outcome != measure::Outcome::completed) {
            out += "    <testcase classname=\"" + name + "\" name=\"" + xml_escape(s.kind) +
                   " job\" time=\"" + seconds_text(s.duration_s) +
                   "\">\n      <failure type=\"job\" message=\"" + xml_escape(s.job.failure) +
                   "\">" + xml_escape(s.job.failure) + "</failure>\n    </testcase>\n";
        }
        for (const analysis::CheckResult& check : s.checks) {
            out += "    <testcase classname=\"" + name + "\" name=\"" +
                   xml_escape(check.subject + " " + check.metric) + "\" time=\"0\">";
            std::string detail =
                (check.value ? format_value(*check.value, check.unit) : std::string("no value")) +
                ", limit " + threshold_text(check);
            if (check.verdict == analysis::CheckVerdict::fail) {
                out += "\n      <failure type=\"threshold\" message=\"" +
                       xml_escape(check_reason(check)) + "\">" + xml_escape(detail) +
                       "</failure>\n    ";
            } else if (check.verdict == analysis::CheckVerdict::skipped) {
                out += "\n      <skipped message=\"" + xml_escape(check.message) + "\"/>\n    ";
            } else {
                out += "<system-out>" + xml_escape(detail) + "</system-out>";
            }
            out += "</testcase>\n";
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace farm::report
