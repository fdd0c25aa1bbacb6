// The trend chart of the HTML report: one metric of one subject over its runs, as inline SVG
// that needs no script, font or file from anywhere else. x is the run's position in the window
// (oldest left), labelled with the first and last start dates; y is the metric, with 3 to 5
// round ticks labelled by format_value; each completed run is a dot at its median on a polyline,
// over a band from its smallest to its largest iteration. A failed or interrupted run is not a
// measurement: it is never on the line, in the band or in the y scale, but a cross on the x axis
// at its place, whose tooltip says why it failed.
//
// Guarantees: every text in the SVG (title, tooltips, tick labels) is HTML-escaped; the output is
// one <svg> element styled by the classes chart, grid, axis, band, line, dot and failed-run, so
// the page's stylesheet decides the colours; geometry depends only on the input.
#pragma once

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

struct TrendChart {
    std::string title;       // "build · web · wall time"
    std::string unit;        // for format_value
    std::string first_label; // under the oldest run
    std::string last_label;  // under the newest run
    // One entry per run of the subject, oldest first; nullopt for a run that did not measure
    // this metric, so that every chart of a subject puts a run at the same x.
    std::vector<std::optional<ChartPoint>> points;
};

std::string render_trend_svg(const TrendChart& chart);

// 3 to 5 evenly spaced round values (1, 2, 2.5 or 5 times a power of ten; of 1024^k bytes for
// "bytes"; whole numbers for "count" and for bytes under 1 KiB) from at most `low` to at least
// `high`. A single value gets a little room on both sides. (A range of whole numbers narrower
// than 2 can give 2 ticks: 0 and 1 have nothing round in between.)
std::vector<double> nice_ticks(double low, double high, const std::string& unit);

} // namespace farm::report
