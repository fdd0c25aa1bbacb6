// The trend chart of the HTML report: one metric of one subject over its runs, as inline SVG
// that needs no script, font or file from anywhere else. x is the run's position in the window
// (oldest left), each labelled with its run id ("#12") and, where the run recorded one, its
// commit (short hash); y is the metric from zero (or from a marked break, html_svg.hpp) with 3
// to 5 round ticks labelled by format_value; each completed run is a dot at its median on a
// polyline, over a band from its smallest to its largest iteration. A failed or interrupted run
// is not a measurement: it is never on the line, in the band or in the y scale, but a cross on
// the x axis at its place, whose tooltip says why it failed. A limit (a perf:test threshold, an
// AI threshold from the config) is a dashed line with its label; one far above the data (more
// than 3 times its largest value) would flatten the chart and is named in words at the top.
//
// Guarantees: every text in the SVG (title, tooltips, tick and run labels) is HTML-escaped; the
// output is one <svg> element styled by the classes of chart_style_sheet(); geometry depends
// only on the input.
#pragma once

#include "farm/report/html_svg.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct ChartPoint {
    double median = 0;
    double min = 0; // of the run's iterations: the band
    double max = 0;
    std::string tooltip; // "run #12, 2026-11-23 05:57: 0.920 s"
    // Failed or interrupted: median, min and max are ignored; a cross on the x axis instead.
    bool failed = false;
};

// A horizontal line across a chart: "perf:test max (median) 2 s".
struct LimitLine {
    double value = 0;
    std::string label;
};

struct TrendChart {
    std::string title;   // "build · web · wall time"
    std::string unit;    // for format_value
    std::string caption; // under the run labels: "10 runs, 2026-11-23 05:57 to 06:40"
    // One entry per run of the subject, oldest first; nullopt for a run that did not measure
    // this metric, so that every chart of a subject puts a run at the same x.
    std::vector<std::optional<ChartPoint>> points;
    std::vector<std::string> run_labels;    // parallel to points: "#12"
    std::vector<std::string> commit_labels; // parallel to points: "1a2b3c4" or ""
    std::vector<LimitLine> limits;
};

std::string render_trend_svg(const TrendChart& chart);

// 3 to 5 evenly spaced round values (1, 2, 2.5 or 5 times a power of ten; of 1024^k bytes for
// "bytes"; whole numbers for "count" and for bytes under 1 KiB) from at most `low` to at least
// `high`. A single value gets a little room on both sides. (A range of whole numbers narrower
// than 2 can give 2 ticks: 0 and 1 have nothing round in between.)
std::vector<double> nice_ticks(double low, double high, const std::string& unit);

// The limits a chart can draw at its scale (at most 3 times the data's largest value), and
// the words for the others: "max (median) 30 s is above this chart".
struct LimitsInScale {
    std::vector<LimitLine> drawn;
    std::vector<std::string> above;
};
LimitsInScale limits_in_scale(const std::vector<LimitLine>& limits, double data_high,
                              const std::string& unit);

// Dashed lines with their labels at the right end, and the limits above the chart in words at
// its top left.
std::string draw_limits(const LimitsInScale& limits, const ValueAxis& axis);

} // namespace farm::report
