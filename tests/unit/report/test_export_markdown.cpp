#include "farm/report/export_markdown.hpp"

#include "farm/measure/stats.hpp"
#include "support/report_text.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace farm::report;
using farm::analysis::MetricComparison;
using farm::analysis::Verdict;
using farm::history::MetricSeries;
using farm::history::RunOverview;
using farm::history::RunStatus;

using farm::test::lines_of;

namespace {

MetricSeries series(const std::string& name, const std::string& unit,
                    const std::vector<double>& values) {
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

RunOverview run(std::int64_t id, const std::string& started_at, std::vector<MetricSeries> metrics) {
    RunOverview r;
    r.id = id;
    r.started_at = started_at;
    r.git_commit = "3345d6f6a1b2c3d4";
    r.git_branch = "main";
    r.metrics = std::move(metrics);
    return r;
}

MetricComparison row(const std::string& subject, Verdict verdict, std::optional<double> change,
                     std::optional<double> p) {
    MetricComparison c;
    c.kind = "build";
    c.subject = subject;
    c.metric = "wall_s";
    c.unit = "s";
    c.baseline_n = 5;
    c.candidate_n = 6;
    c.baseline_median = 0.92;
    c.candidate_median = 1.13;
    c.change_pct = change;
    c.p_value = p;
    c.verdict = verdict;
    return c;
}

ReportData sample_report() {
    ReportData d;
    d.database = "/srv/perf.db";
    d.generated_at = "2026-11-23T06:00:00.000Z";
    SubjectTrend piped{"build", "a|b `c` <d> & *e*", {}};
    piped.runs.push_back(run(1, "2026-11-20T10:00:00.000Z", {series("wall_s", "s", {0.9, 1.0})}));
    piped.runs.push_back(run(
        2, "2026-11-21T10:05:00.000Z",
        {series("wall_s", "s", {1.5}), series("max_rss_bytes", "bytes", {64.0 * 1024 * 1024})}));
    piped.runs[1].status = RunStatus::failed;
    piped.runs[1].git_dirty = true;
    SubjectTrend plain{"install", "install:warm", {}};
    plain.runs.push_back(run(3, "2026-11-22T10:00:00.000Z", {series("wall_s", "s", {2.5})}));
    plain.runs[0].git_commit.clear();
    d.subjects = {piped, plain};
    Comparison c;
    c.rows = {row("web", Verdict::slower, 22.8, 0.008), row("web", Verdict::faster, -30, 0.0004),
              row("a|b", Verdict::no_change, std::nullopt, 0.41),
              row("docs", Verdict::not_enough_data, 1.5, std::nullopt)};
    c.baselines = {{"web", "merge-base 1a2b3c4 of HEAD and main (3 runs)"}};
    c.geomean_ratio = 1.083;
    c.geomean_rows = 2;
    d.comparison = c;
    return d;
}

// Cell separators: pipes that are not escaped.
std::size_t separators(const std::string& line) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\') {
            ++i;
        } else if (line[i] == '|') {
            ++count;
        }
    }
    return count;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("report::markdown_escape makes data inert in tables and text") {
    CHECK(markdown_escape("a|b") == "a\\|b");
    CHECK(markdown_escape("`rm -rf`") == "\\`rm -rf\\`");
    CHECK(markdown_escape("<b>&") == "&lt;b&gt;&amp;");
    CHECK(markdown_escape("*x* _y_ [z](u) \\") == "\\*x\\* \\_y\\_ \\[z\\](u) \\\\");
    CHECK(markdown_escape("two\nlines\r\n") == "two lines  ");
    CHECK(markdown_escape("build:total · 1.5 s") == "build:total · 1.5 s");
}

TEST_CASE("report::report_to_markdown writes the comparison and every subject's runs") {
    std::string md = report_to_markdown(sample_report());
    CHECK(md.rfind("# Performance report\n\n", 0) == 0);
    CHECK(contains(md, "| subject | metric | baseline | candidate | change | p | verdict |\n"));
    CHECK(contains(md, "| web | wall time | 920.0 ms (n=5) | 1.130 s (n=6) | +22.8% | 0.008 | "
                       "**slower** |\n"));
    CHECK(contains(md, "| -30.0% | &lt;0.001 | **faster** |\n"));
    CHECK(contains(md, "| a\\|b | wall time | 920.0 ms (n=5) | 1.130 s (n=6) | n/a | 0.410 | "
                       "no change |\n"));
    CHECK(contains(md, "| +1.5% | n/a | _not enough data_ |\n"));
    CHECK(contains(md, "| **geometric mean** | primary metrics of 2 compared subjects |  |  | "
                       "+8.3% (×1.083) |  |  |\n"));
    CHECK(contains(md, "- web: merge-base 1a2b3c4 of HEAD and main (3 runs)\n"));

    // A subject's runs newest first, with a column per metric any of them measured.
    CHECK(contains(md, "## build · a\\|b \\`c\\` &lt;d&gt; &amp; \\*e\\*\n"));
    CHECK(contains(md, "| run | started (UTC) | status | git | wall time | max RSS (largest "
                       "process) |\n"));
    std::size_t newest = md.find("| #2 | 2026-11-21 10:05 | failed | 3345d6f6+ main | 1.500 s | "
                                 "64.00 MiB |\n");
    std::size_t oldest = md.find("| #1 | 2026-11-20 10:00 | ok | 3345d6f6 main | 950.0 ms | - |\n");
    CHECK(newest != std::string::npos);
    CHECK(oldest != std::string::npos);
    CHECK(newest < oldest);
    CHECK(contains(md, "| #3 | 2026-11-22 10:00 | ok | - | 2.500 s |\n"));
    CHECK_FALSE(contains(md, "a|b `c`")); // the raw subject never appears
}

TEST_CASE("report::report_to_markdown keeps every table row as wide as its header") {
    std::vector<std::string> lines = lines_of(report_to_markdown(sample_report()));
    std::size_t width = 0;
    for (const std::string& line : lines) {
        if (line.empty() || line[0] != '|') {
            width = 0; // a table ended
            continue;
        }
        if (width == 0) {
            width = separators(line);
        }
        CHECK_MESSAGE(separators(line) == width, line);
    }
}

TEST_CASE("report::report_to_markdown of an empty report says so") {
    std::string md = report_to_markdown(
        ReportData{"/srv/perf.db", "2026-11-23T06:00:00.000Z", {}, std::nullopt, {}});
    CHECK(contains(md, "No runs in this report's window."));
    CHECK_FALSE(contains(md, "Comparison"));
}
