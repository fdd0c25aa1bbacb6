#include "farm/report/export_text.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <limits>
#include <string>
#include <vector>

using namespace farm::report;
using farm::history::MetricSeries;
using farm::history::RunOverview;

TEST_CASE("report::exact_number writes the shortest text that reads back exactly") {
    CHECK(exact_number(0.1) == "0.1");
    CHECK(exact_number(61865984) == "61865984");
    CHECK(exact_number(0.1 + 0.2) == "0.30000000000000004");
    CHECK(exact_number(1e-7) == "1e-07");
    CHECK(exact_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
    CHECK(exact_number(-std::numeric_limits<double>::infinity()) == "-inf");
    for (double value : {1.0 / 3, 2.0 / 3, 123456789.123456789, 5e-324, 1.7976931348623157e308}) {
        std::string text = exact_number(value);
        double back = 0;
        std::from_chars(text.data(), text.data() + text.size(), back);
        CHECK(back == value);
    }
}

TEST_CASE("report::html_escape makes any text inert in HTML") {
    CHECK(html_escape("<script>alert('x' & \"y\")</script>") ==
          "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
    CHECK(html_escape("build · web") == "build · web");
    CHECK(html_escape("") == "");
}

TEST_CASE("report::metric_names lists a subject's metrics in order of first appearance") {
    SubjectTrend subject{"build", "web", {}};
    subject.runs.resize(3);
    subject.runs[0].metrics = {MetricSeries{"wall_s", "s", {}, {}}};
    subject.runs[1].metrics = {MetricSeries{"user_s", "s", {}, {}},
                               MetricSeries{"wall_s", "s", {}, {}}};
    subject.runs[2].metrics = {MetricSeries{"max_rss_bytes", "bytes", {}, {}}};
    CHECK(metric_names(subject) == std::vector<std::string>{"wall_s", "user_s", "max_rss_bytes"});
    CHECK(metric_names(SubjectTrend{}).empty());
}

TEST_CASE("report::git_label and short_time shorten what tables show") {
    RunOverview run;
    CHECK(git_label(run) == "");
    run.git_commit = "3345d6f6a1b2c3d4e5f6";
    CHECK(git_label(run) == "3345d6f6");
    run.git_branch = "main";
    run.git_dirty = true;
    CHECK(git_label(run) == "3345d6f6+ main");

    CHECK(short_time("2026-11-23T05:57:50.123Z") == "2026-11-23 05:57");
    CHECK(short_time("2026-11-23") == "2026-11-23");
}
