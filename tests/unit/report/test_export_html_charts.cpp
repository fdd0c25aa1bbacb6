#include "farm/core/config.hpp"
#include "farm/measure/stats.hpp"
#include "farm/report/chart_limits.hpp"
#include "farm/report/export_html_box.hpp"
#include "farm/report/export_html_chart.hpp"
#include "farm/report/export_html_stacked.hpp"
#include "farm/report/export_html_sweep.hpp"
#include "farm/report/html_svg.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm::report;
using farm::history::MetricSeries;
using farm::history::RunOverview;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

TrendChart chart_of(const std::vector<double>& medians) {
    TrendChart chart;
    chart.title = "build · web · wall time";
    chart.unit = "s";
    for (std::size_t i = 0; i < medians.size(); ++i) {
        double m = medians[i];
        chart.points.push_back(ChartPoint{m, m * 0.99, m * 1.01, "run", false});
        chart.run_labels.push_back("#" + std::to_string(i + 11));
        chart.commit_labels.push_back(i == 0 ? "" : "abc123" + std::to_string(i));
    }
    return chart;
}

MetricSeries series(const std::string& name, const std::string& unit, double value) {
    std::vector<double> values = {value};
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

RunOverview run(std::int64_t id, const std::string& started_at, std::vector<MetricSeries> m) {
    RunOverview r;
    r.id = id;
    r.started_at = started_at;
    r.git_commit = "feedbeef12345678";
    r.metrics = std::move(m);
    return r;
}

} // namespace

TEST_CASE("report::value_axis starts at zero unless zero would flatten a real change") {
    PlotArea area{0, 100, 0, 100};
    ValueAxis stable = value_axis(1.000, 1.001, "s", area); // 0.1%: flat, from zero
    CHECK_FALSE(stable.broken);
    CHECK(stable.ticks.front() == 0);
    ValueAxis wide = value_axis(0.3, 1.0, "s", area);
    CHECK_FALSE(wide.broken);
    CHECK(wide.ticks.front() == 0);
    ValueAxis squeezed = value_axis(90, 100, "s", area); // 10% in the top tenth: a break
    CHECK_FALSE(value_axis(80, 100, "s", area).broken);  // 20% in the top fifth: visible
    CHECK(squeezed.broken);
    CHECK(squeezed.ticks.front() > 0);
    CHECK(squeezed.ticks.front() <= 90);
    CHECK(draw_value_axis(squeezed, "s").find("class=\"axis-break\"") != std::string::npos);
    CHECK(draw_value_axis(wide, "s").find("axis-break") == std::string::npos);
}

TEST_CASE("report::render_trend_svg: y from zero, run ids and commits on x, limits drawn") {
    std::string svg = render_trend_svg(chart_of({1.0, 1.1, 1.05}));
    CHECK(svg.find(" data-y-from=\"0\"") != std::string::npos);
    CHECK(svg.find(">0 s</text>") != std::string::npos);
    CHECK(svg.find(">#11</text>") != std::string::npos);
    CHECK(svg.find(">#13</text>") != std::string::npos);
    CHECK(svg.find(">abc1232</text>") != std::string::npos);

    std::string broken = render_trend_svg(chart_of({96, 100, 98}));
    CHECK(broken.find(" data-y-from=\"break\"") != std::string::npos);
    CHECK(broken.find("axis-break") != std::string::npos);

    TrendChart limited = chart_of({1.0, 1.1});
    limited.limits = {{1.5, "perf:test max (median)"}, {100, "slow"}};
    std::string with_limits = render_trend_svg(limited);
    CHECK(count(with_limits, "<line class=\"limit\"") == 1);
    CHECK(with_limits.find("data-value=\"1.5\"") != std::string::npos);
    CHECK(with_limits.find("perf:test max (median)") != std::string::npos);
    CHECK(with_limits.find("slow 100.0 s is above this chart") != std::string::npos);

    // 40 runs: labels thinned, the newest always labelled.
    std::vector<double> many(40, 1.0);
    std::string crowded = render_trend_svg(chart_of(many));
    CHECK(crowded.find(">#50</text>") != std::string::npos);
    CHECK(count(crowded, "class=\"run-id\"") < 20);
}

TEST_CASE("report::render_box_plot_svg draws the baseline and the latest run") {
    BoxPlot plot;
    plot.title = "<b>";
    plot.unit = "s";
    plot.sides = {{"baseline", {1.0, 1.1, 1.2, 1.0, 0.9, 5.0}, true}, {"latest #3", {1.5, 1.6}}};
    std::string svg = render_box_plot_svg(plot);
    CHECK(count(svg, "<rect class=\"box") == 2);
    CHECK(count(svg, "<rect class=\"box baseline\"") == 1);
    CHECK(count(svg, "<circle class=\"outlier\"") == 1); // 5.0 is beyond the whiskers
    CHECK(svg.find(">latest #3 (n=2)</text>") != std::string::npos);
    CHECK(svg.find(" data-y-from=\"0\"") != std::string::npos);
    CHECK(svg.find("<title>&lt;b&gt;</title>") != std::string::npos);
}

TEST_CASE("report::sweeps_in finds the levels of a perf:benchmark sweep and draws the curve") {
    std::vector<SubjectTrend> subjects;
    for (int c : {1, 2, 4}) {
        SubjectTrend level{"ai", "mock/tiny/chat_stream/c=" + std::to_string(c), {}};
        level.runs.push_back(run(
            c, "2026-11-22T10:00:00.000Z",
            {series("e2e_ms", "ms", 100.0 * c), series("request_throughput", "req/s", 10.0 * c)}));
        subjects.push_back(level);
    }
    subjects.push_back({"ai", "mock/tiny/chat_stream", {}}); // not a level
    std::vector<SweepCurve> curves = sweeps_in(subjects);
    REQUIRE(curves.size() == 1);
    CHECK(curves[0].title == "mock/tiny/chat_stream: throughput against latency");
    REQUIRE(curves[0].points.size() == 3);
    CHECK(curves[0].points[2].label == "c=4");
    CHECK(curves[0].points[2].throughput == 40);
    CHECK(curves[0].points[2].latency_ms == 400);

    std::string svg = render_sweep_svg(curves[0]);
    CHECK(count(svg, "<polyline class=\"curve\"") == 1);
    CHECK(count(svg, "<circle class=\"curve-dot\"") == 3);
    std::string file = sweep_svg_document(curves);
    CHECK(file.rfind("<?xml", 0) == 0);
    CHECK(file.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
    CHECK(file.find("<style>") != std::string::npos);
    CHECK(is_svg_file("curve.SVG"));
    CHECK_FALSE(is_svg_file("curve.html"));
}

TEST_CASE("report::project_stack stacks the packages of one perf:build, sums left out") {
    std::vector<SubjectTrend> subjects;
    for (const char* name : {"build:web", "build:api", "build:total"}) {
        SubjectTrend s{"build", name, {}};
        s.runs.push_back(run(1, "2026-11-22T10:00:00.000Z", {series("wall_s", "s", 2.0)}));
        s.runs.push_back(run(5, "2026-11-23T10:00:00.000Z", {series("wall_s", "s", 3.0)}));
        subjects.push_back(s);
    }
    StackedChart chart = project_stack(subjects, "build:", {"wall_s"}, "build time");
    REQUIRE(chart.series == std::vector<std::string>{"web", "api"});
    REQUIRE(chart.bars.size() == 2);
    CHECK(chart.bars[1].parts[0] == 3.0);
    CHECK(chart.bars[1].sublabel == "feedbee");
    std::string svg = render_stacked_svg(chart);
    CHECK(count(svg, "<rect class=\"segment\"") == 4);
    CHECK(svg.find(" data-y-from=\"0\"") != std::string::npos);
    CHECK(stacked_legend_html(chart).find(">api</li>") != std::string::npos);
}

TEST_CASE("report::chart_limits reads the config's thresholds and budgets") {
    farm::core::Config config;
    farm::core::TestSuite suite;
    suite.name = "unit tests";
    suite.kind = "build";
    suite.command = {"make", "test"};
    suite.thresholds.push_back({"*", "wall_s", "median", 2.0, std::nullopt});
    suite.thresholds.push_back({"other", "wall_s", "median", 9.0, std::nullopt});
    config.test.suites.push_back(suite);
    config.ai.error_rate = 0.05;
    std::vector<ConfigLimit> limits = chart_limits(config);
    std::vector<LimitLine> lines = limits_for(limits, "build", "unit tests", "wall_s");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].value == 2.0);
    CHECK(lines[0].label == "perf:test max (median)");
    CHECK(limits_for(limits, "build", "other", "wall_s").empty());
    CHECK(limits_for(limits, "ai", "mock/m/chat", "error_rate").size() == 1);
}
