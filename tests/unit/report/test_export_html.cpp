#include "farm/report/export_html.hpp"

#include "farm/measure/stats.hpp"
#include "farm/report/export_html_chart.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm::report;
using farm::analysis::MetricComparison;
using farm::analysis::Verdict;
using farm::history::MetricSeries;
using farm::history::RunOverview;
using farm::history::RunStatus;

namespace {

const std::string attack = "<script>alert(1)</script>";

MetricSeries series(const std::string& name, const std::string& unit,
                    const std::vector<double>& values) {
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

RunOverview run(std::int64_t id, const std::string& started_at, std::vector<MetricSeries> metrics) {
    RunOverview r;
    r.id = id;
    r.started_at = started_at;
    r.command = "pnpm run build '" + attack + "'";
    r.git_commit = "3345d6f6a1b2c3d4";
    r.git_branch = "feat/\"<b>\"";
    r.metrics = std::move(metrics);
    return r;
}

MetricComparison row(const std::string& subject, Verdict verdict) {
    MetricComparison c;
    c.kind = "build";
    c.subject = subject;
    c.metric = "wall_s";
    c.unit = "s";
    c.baseline_n = 5;
    c.candidate_n = 5;
    c.baseline_median = 0.92;
    c.candidate_median = 1.13;
    c.change_pct = 22.8;
    c.p_value = 0.008;
    c.verdict = verdict;
    return c;
}

// Two subjects: one with 3 metrics over 3 runs (one run lacking a metric), one named like an
// attack with 1 metric over 1 run: 4 charts.
ReportData sample_report() {
    ReportData d;
    d.database = "/srv/<perf>.db";
    d.generated_at = "2026-11-23T06:00:00.000Z";
    SubjectTrend web{"build", "web", {}};
    web.runs.push_back(run(1, "2026-11-20T10:00:00.000Z",
                           {series("wall_s", "s", {0.9, 1.0, 0.95}),
                            series("max_rss_bytes", "bytes", {6.1e7, 6.4e7})}));
    web.runs.push_back(run(2, "2026-11-21T10:00:00.000Z",
                           {series("wall_s", "s", {1.2, 1.3}), series("user_s", "s", {2.0})}));
    web.runs.back().status = RunStatus::failed;
    web.runs.push_back(
        run(3, "2026-11-22T10:00:00.000Z",
            {series("wall_s", "s", {1.0}), series("max_rss_bytes", "bytes", {6e7})}));
    SubjectTrend evil{"install", attack, {}};
    evil.runs.push_back(run(4, "2026-11-22T11:00:00.000Z", {series("store_hit_rate", "%", {85})}));
    d.subjects = {web, evil};
    Comparison c;
    c.rows = {row("web", Verdict::slower), row("web", Verdict::faster),
              row(attack, Verdict::no_change), row("docs", Verdict::not_enough_data)};
    c.baselines = {{attack, "the previous 5 runs of " + attack}};
    c.geomean_ratio = 1.05;
    c.geomean_rows = 3;
    d.comparison = c;
    return d;
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("report::report_to_html writes one page: the overview, then a section per subject") {
    std::string html = report_to_html(sample_report());
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
    CHECK(count(html, "<html") == 1);
    CHECK(count(html, "</html>") == 1);
    CHECK(count(html, "<body>") == 1);
    CHECK(count(html, "<style>") == 1);
    CHECK(count(html, "<svg") == 4);
    CHECK(count(html, "</svg>") == 4);
    CHECK(count(html, "<figure>") == 4);
    CHECK(count(html, "<table") == count(html, "</table>"));
    CHECK(count(html, "<tr") == count(html, "</tr>"));
    CHECK(count(html, "<details") == count(html, "</details>"));
    // The overview comes first; each subject's section after it, linked from it.
    std::size_t overview = html.find("<section id=\"overview\">");
    REQUIRE(overview != std::string::npos);
    CHECK(overview < html.find("<section class=\"subject\""));
    CHECK(html.find("<section class=\"subject\" id=\"subject-1\">") != std::string::npos);
    CHECK(html.find("<section class=\"subject\" id=\"subject-2\">") != std::string::npos);
    CHECK(count(html, "href=\"#subject-1\"") == 3); // two comparison rows and the contents
    CHECK(count(html, "href=\"#subject-2\"") == 2);
    // The primary metric is charted; the others are folded.
    std::size_t folded = html.find("<details class=\"more-metrics\"><summary>2 other metrics");
    REQUIRE(folded != std::string::npos);
    CHECK(html.find("<figcaption>wall time</figcaption>") < folded);
    CHECK(html.find("<figcaption>max RSS (largest process)</figcaption>") > folded);
    // Completed runs are dots; the failed one is no dot but a cross in each of its subject's
    // charts, even where it did not measure the metric.
    CHECK(count(html, "<circle class=\"dot\"") == 5);
    CHECK(count(html, "<path class=\"failed-run\"") == 3);
    CHECK(html.find("run #2, 2026-11-21 10:00, failed, not a measurement") != std::string::npos);
}

TEST_CASE("report::report_to_html lists every subject in the overview, compared or not") {
    ReportData d = sample_report();
    SubjectTrend lone{"build", "api", {}};
    lone.runs.push_back(run(9, "2026-11-22T12:00:00.000Z", {series("wall_s", "s", {2.0})}));
    SubjectTrend broken{"build", "db", {}};
    broken.runs.push_back(run(10, "2026-11-22T12:00:00.000Z", {}));
    broken.runs.back().status = RunStatus::failed;
    d.subjects.push_back(lone);
    d.subjects.push_back(broken);
    std::string html = report_to_html(d);
    std::string overview = html.substr(0, html.find("<section class=\"subject\""));
    CHECK(overview.find("<a href=\"#subject-3\">build · api</a></td><td>wall time</td><td "
                        "class=\"num\">#9: 2.000 s (n=1)</td>") != std::string::npos);
    CHECK(overview.find("<td class=\"verdict\">not enough data</td>") != std::string::npos);
    CHECK(overview.find("<a href=\"#subject-4\">build · db</a>") != std::string::npos);
    CHECK(overview.find("<td class=\"verdict\">no completed run</td>") != std::string::npos);
    // A row whose subject has no section (not in the window) is still listed.
    CHECK(overview.find("<td>build · docs</td>") != std::string::npos);

    d.comparison.reset();
    std::string plain = report_to_html(d);
    CHECK(plain.find("<td class=\"verdict\">not compared</td>") != std::string::npos);
    CHECK(plain.find("Baselines") == std::string::npos);
}

TEST_CASE("report::render_trend_svg: a failed run is never a measurement on the chart") {
    TrendChart chart;
    chart.title = "build · web · wall time";
    chart.unit = "s";
    chart.points = {ChartPoint{1.0, 0.9, 1.1, "run #1", false},
                    ChartPoint{500.0, 400.0, 600.0, "run #2, failed: exit code 3", true},
                    ChartPoint{1.2, 1.1, 1.3, "run #3", false}};
    std::string svg = render_trend_svg(chart);
    // Its numbers change nothing: not the scale, the line or the band.
    TrendChart same = chart;
    same.points[1]->median = same.points[1]->min = same.points[1]->max = 1.1;
    CHECK(render_trend_svg(same) == svg);
    CHECK(count(svg, "<circle class=\"dot\"") == 2);
    CHECK(count(svg, "<path class=\"failed-run\"") == 1);
    CHECK(svg.find("<title>run #2, failed: exit code 3</title>") != std::string::npos);
    CHECK(svg.find("500.0 s") == std::string::npos);
}

TEST_CASE("report::report_to_html needs nothing from the network") {
    std::string html = report_to_html(sample_report());
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(count(html, "href=") == count(html, "href=\"#")); // links within the page only
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    // The browser is told so: anything that tried to load would be blocked and logged.
    CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'") !=
          std::string::npos);
}

TEST_CASE("report::report_to_html escapes every text from the data") {
    std::string html = report_to_html(sample_report());
    CHECK(html.find(attack) == std::string::npos);
    const std::string escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    CHECK(html.find("<h2>install · " + escaped + "</h2>") != std::string::npos);
    CHECK(html.find("<title>install · " + escaped + " · store_hit_rate</title>") !=
          std::string::npos); // inside the SVG
    CHECK(html.find("<a href=\"#subject-2\">install · " + escaped + "</a>") !=
          std::string::npos); // the overview and the contents
    CHECK(html.find("<li>" + escaped + ": the previous 5 runs of " + escaped + "</li>") !=
          std::string::npos);
    CHECK(html.find("<code>pnpm run build &#39;" + escaped + "&#39;</code>") != std::string::npos);
    CHECK(html.find("feat/&quot;&lt;b&gt;&quot;") != std::string::npos);
    CHECK(html.find("<code>/srv/&lt;perf&gt;.db</code>") != std::string::npos);
}

TEST_CASE("report::report_to_html colours the overview by verdict") {
    std::string html = report_to_html(sample_report());
    CHECK(count(html, "<tr class=\"slower\">") == 1);
    CHECK(count(html, "<tr class=\"faster\">") == 1);
    CHECK(count(html, "<tr class=\"no-change\">") == 1);
    CHECK(count(html, "<tr class=\"not-enough-data\">") == 1);
    CHECK(html.find("tr.slower td { background:") != std::string::npos);
    CHECK(html.find("tr.faster td { background:") != std::string::npos);
    CHECK(html.find("<td class=\"verdict\">not enough data</td>") != std::string::npos);
    CHECK(html.find("geometric mean") != std::string::npos);
    // The geometric mean says over how many compared rows it was taken, as the tables do.
    CHECK(html.find("primary metrics of 3 compared subjects") != std::string::npos);
}

TEST_CASE("report::nice_ticks gives 3 to 5 round ticks around the data") {
    struct Case {
        double low, high;
        std::string unit;
        std::vector<double> ticks;
    };
    const Case cases[] = {
        {0.85, 1.12, "s", {0.8, 0.9, 1.0, 1.1, 1.2}},
        {0.0, 1.0, "s", {0, 0.25, 0.5, 0.75, 1}},
        {12, 97, "%", {0, 25, 50, 75, 100}},
        {2.0, 2.0, "s", {1.9, 1.95, 2.0, 2.05, 2.1}},
        {120, 120, "count", {119, 120, 121}},
        {60.0 * 1048576,
         67.0 * 1048576,
         "bytes",
         {60.0 * 1048576, 62.0 * 1048576, 64.0 * 1048576, 66.0 * 1048576, 68.0 * 1048576}},
        {0, 3, "bytes", {0, 1, 2, 3}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.low);
        CAPTURE(c.high);
        std::vector<double> ticks = nice_ticks(c.low, c.high, c.unit);
        REQUIRE(ticks.size() == c.ticks.size());
        for (std::size_t i = 0; i < ticks.size(); ++i) {
            CHECK(ticks[i] == doctest::Approx(c.ticks[i]));
        }
    }
    for (double high : {1.0, 1.7, 3.3, 9.99, 12.5, 47.0, 1234.5, 0.00042}) {
        std::vector<double> ticks = nice_ticks(0.1 * high, high, "s");
        CHECK(ticks.size() >= 3);
        CHECK(ticks.size() <= 5);
        CHECK(ticks.front() <= 0.1 * high);
        CHECK(ticks.back() >= high);
    }
}
