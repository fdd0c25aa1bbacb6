#include "farm/report/export_csv.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <string>
#include <vector>

using namespace farm::report;
using farm::history::MetricSeries;
using farm::history::RunOverview;
using farm::history::RunStatus;

namespace {

using Records = std::vector<std::vector<std::string>>;

MetricSeries series(const std::string& name, const std::string& unit,
                    const std::vector<double>& values) {
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

RunOverview run(std::int64_t id, const std::string& subject, const std::string& started_at,
                std::vector<MetricSeries> metrics) {
    RunOverview r;
    r.id = id;
    r.kind = "build";
    r.subject = subject;
    r.started_at = started_at;
    r.git_commit = "3345d6f6a1b2";
    r.git_branch = "feature/x,y";
    r.metrics = std::move(metrics);
    return r;
}

// Two subjects, one of them named with a comma and quotes; values chosen to need all 17 digits.
ReportData sample_report() {
    ReportData d;
    SubjectTrend odd{"build", "web, \"next\" edition", {}};
    odd.runs.push_back(run(1, odd.subject, "2026-11-20T10:00:00.000Z",
                           {series("wall_s", "s", {0.1, 1.0 / 3, 0.30000000000000004}),
                            series("max_rss_bytes", "bytes", {61865984, 6.02e23, 1e-7})}));
    odd.runs.push_back(run(2, odd.subject, "2026-11-21T10:00:00.000Z",
                           {series("wall_s", "s", {2.0 / 3, 123456789.123456789})}));
    SubjectTrend plain{"install", "install:warm", {}};
    plain.runs.push_back(run(3, plain.subject, "2026-11-22T10:00:00.000Z",
                             {series("wall_s", "s", {2.5, 2.25, 5e-324, 1.7976931348623157e308}),
                              series("store_hit_rate", "%", {85})}));
    d.subjects = {odd, plain};
    return d;
}

double parse_double(const std::string& text) {
    double value = 0;
    std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), value);
    REQUIRE(r.ec == std::errc());
    REQUIRE(r.ptr == text.data() + text.size());
    return value;
}

std::string error_of(std::string_view text) {
    try {
        parse_csv(text);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("report::report_to_csv writes one row per iteration and metric, exactly") {
    ReportData d = sample_report();
    std::string csv = report_to_csv(d);
    Records records = parse_csv(csv);
    REQUIRE_FALSE(records.empty());
    CHECK(records[0] == std::vector<std::string>{"kind", "subject", "run_id", "started_at",
                                                 "status", "git_commit", "git_branch", "iteration",
                                                 "metric", "unit", "value"});
    std::size_t expected_rows = 0;
    for (const SubjectTrend& subject : d.subjects) {
        for (const RunOverview& r : subject.runs) {
            for (const MetricSeries& m : r.metrics) {
                expected_rows += m.values.size();
            }
        }
    }
    REQUIRE(records.size() == 1 + expected_rows);

    // Rows follow the data: subject, run, metric, value; every value reads back bit for bit.
    std::size_t row = 1;
    for (const SubjectTrend& subject : d.subjects) {
        for (const RunOverview& r : subject.runs) {
            for (const MetricSeries& m : r.metrics) {
                for (std::size_t i = 0; i < m.values.size(); ++i, ++row) {
                    const std::vector<std::string>& f = records[row];
                    REQUIRE(f.size() == 11);
                    CHECK(f[0] == subject.kind);
                    CHECK(f[1] == subject.subject);
                    CHECK(f[2] == std::to_string(r.id));
                    CHECK(f[3] == r.started_at);
                    CHECK(f[4] == "ok");
                    CHECK(f[5] == r.git_commit);
                    CHECK(f[6] == r.git_branch);
                    CHECK(f[7] == std::to_string(i));
                    CHECK(f[8] == m.name);
                    CHECK(f[9] == m.unit);
                    CHECK(parse_double(f[10]) == m.values[i]);
                }
            }
        }
    }
    // Quoted only where needed, quotes doubled, CRLF line ends.
    CHECK(csv.find("build,\"web, \"\"next\"\" edition\",1,2026-11-20T10:00:00.000Z,ok,"
                   "3345d6f6a1b2,\"feature/x,y\",0,wall_s,s,0.1\r\n") != std::string::npos);
    CHECK(csv.find("0.30000000000000004\r\n") != std::string::npos);
    CHECK(csv.substr(csv.size() - 2) == "\r\n");
}

TEST_CASE("report::report_to_csv writes the median of a run loaded without values") {
    ReportData d = sample_report();
    MetricSeries& wall = d.subjects[1].runs[0].metrics[0];
    wall.values.clear();
    Records records = parse_csv(report_to_csv(d));
    std::vector<std::vector<std::string>> rows_of_run_3;
    for (const std::vector<std::string>& f : records) {
        if (f[2] == "3") {
            rows_of_run_3.push_back(f);
        }
    }
    REQUIRE(rows_of_run_3.size() == 2);
    CHECK(rows_of_run_3[0][7] == ""); // no iteration: the row stands for the whole run
    CHECK(rows_of_run_3[0][8] == "wall_s");
    CHECK(parse_double(rows_of_run_3[0][10]) == wall.summary.median);
    CHECK(rows_of_run_3[1][7] == "0");
    CHECK(rows_of_run_3[1][8] == "store_hit_rate");

    CHECK(report_to_csv(ReportData{}) == "kind,subject,run_id,started_at,status,git_commit,"
                                         "git_branch,iteration,metric,unit,value\r\n");
}

TEST_CASE("report::parse_csv reads RFC 4180 text") {
    CHECK(parse_csv("") == Records{});
    CHECK(parse_csv("a,b\r\nc,d\r\n") == Records{{"a", "b"}, {"c", "d"}});
    CHECK(parse_csv("a,b\nc,d") == Records{{"a", "b"}, {"c", "d"}});
    CHECK(parse_csv("a,,\n,") == Records{{"a", "", ""}, {"", ""}});
    CHECK(parse_csv("\"x, \"\"y\"\"\r\nz\",2\r\n") == Records{{"x, \"y\"\r\nz", "2"}});
    CHECK(parse_csv("\"\",\"\"") == Records{{"", ""}});
    CHECK(parse_csv("\n") == Records{{""}});
}

TEST_CASE("report::parse_csv says where malformed text goes wrong") {
    CHECK(error_of("a,b\nc,d\"e\n") ==
          "not valid CSV: line 2, column 4: a quote inside an unquoted field (quote the field and "
          "double the quote)");
    CHECK(error_of("a,\"b\nc") ==
          "not valid CSV: line 1, column 3: the quoted field opened here never ends");
    CHECK(error_of("\"a\"b,c") == "not valid CSV: line 1, column 4: text after a closing quote "
                                  "(a field is either all quoted or not at all)");
    CHECK(error_of("a\rb") == "not valid CSV: line 1, column 2: a carriage return that is not "
                              "part of a CRLF line break");
}
