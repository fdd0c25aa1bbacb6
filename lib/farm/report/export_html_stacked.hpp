// The stacked bar chart of the HTML report's project section: one bar per `perf:build` of a pnpm
// project (the runs one invocation recorded share their start time), one segment per package, so
// that a bar's height is the sum of the packages' build times (or output sizes) and a segment's
// the share of one package. The value axis starts at zero (a stacked bar is never broken).
//
// Guarantees: one <svg class="chart stacked"> with one <rect class="segment"> per package and
// bar that has a value, each with a <title> naming the package and its value; the legend is
// HTML (it wraps on a narrow screen); every text HTML-escaped; colours from series_colour();
// limits as in export_html_chart.hpp (drawn when in reach, else named in words).
#pragma once

#include "farm/report/dataset.hpp"
#include "farm/report/export_html_chart.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct StackedBar {
    std::string label;                        // under the bar: its run ids "#12–15"
    std::string sublabel;                     // the commit, where recorded
    std::vector<std::optional<double>> parts; // parallel to StackedChart::series
};

struct StackedChart {
    std::string title;
    std::string metric; // the one charted (of the list project_stack was given)
    std::string unit;
    std::vector<std::string> series; // the packages, in the order of the segments (bottom first)
    std::vector<StackedBar> bars;    // oldest first
    std::vector<LimitLine> limits;   // budgets: dashed lines over the bars
};

std::string render_stacked_svg(const StackedChart& chart);
std::string stacked_legend_html(const StackedChart& chart);

// The project runs among the subjects, as a stacked chart of the subjects whose name starts with
// `prefix` ("build:" or "size:") on `metric` (run medians): each bar one start time that at least
// two of them share, the newest `max_bars`. build:total and build:serial_sum are sums, not
// packages, and are left out. Empty (no bars) when no project run is in the report.
StackedChart project_stack(const std::vector<SubjectTrend>& subjects, const std::string& prefix,
                           const std::vector<std::string>& metrics, const std::string& title,
                           std::size_t max_bars = 12);

} // namespace farm::report
