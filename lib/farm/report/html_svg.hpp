// The pieces every chart of the HTML report is drawn with (the trend, box plot, stacked bars and
// throughput-versus-latency charts, and perf:benchmark's standalone SVG): coordinates, text and
// lines, and the one rule for a chart's value axis.
//
// The value axis starts at zero, so that the height of a bar or a line is the size of the value
// and a 0.1% change stays flat. The one exception: when a change of at least 5% would be squeezed
// into the top eighth of a chart that starts at zero, the axis starts just under the data and the
// chart says so with a break mark (two slanted strokes across the axis, with a tooltip) and the
// attribute data-y-from="break" on the <svg> (else data-y-from="0"): the break is never hidden.
//
// Guarantees: every text is HTML-escaped; coordinates are written with one decimal; the styles
// are classes that chart_style_sheet() defines, so a page and a standalone SVG look the same.
#pragma once

#include <string>
#include <vector>

namespace farm::report {

// "12.3": coordinates with one decimal, exact enough for a screen and short.
std::string svg_coordinate(double value);

// <text class=CSS x y text-anchor=ANCHOR>escaped text</text>
std::string svg_text(double x, double y, const char* anchor, const std::string& text,
                     const char* css_class = "tick");

std::string svg_line(double x1, double y1, double x2, double y2, const char* css_class);

// The plot area inside a chart's viewBox.
struct PlotArea {
    double left = 0;
    double right = 0;
    double top = 0;
    double bottom = 0;
};

// A value axis: its round ticks and where a value lies on the plot.
struct ValueAxis {
    std::vector<double> ticks; // 3 to 5 round values, lowest first
    bool broken = false;       // starts above zero (see the comment on top)
    PlotArea area;
    double y(double value) const; // the plot's y of a value (up is larger)
    double low() const { return ticks.front(); }
    double high() const;
};

// The axis for data from `low` to `high` (the extremes of everything the chart draws).
ValueAxis value_axis(double low, double high, const std::string& unit, const PlotArea& area);

// Grid lines with their labels (format_value of the unit), the axis lines, and the break mark
// when the axis is broken.
std::string draw_value_axis(const ValueAxis& axis, const std::string& unit);

// ` data-y-from="0"` or ` data-y-from="break"`: for the <svg> element.
std::string y_from_attribute(const ValueAxis& axis);

// The chart classes (grid, axis, axis-break, band, line, dot, box, limit, segment colours ...),
// shared by the page's <style> and a standalone SVG's.
const char* chart_style_sheet();

// A colour for the k-th series of a stacked chart, from a fixed palette (cycling).
const char* series_colour(std::size_t k);

} // namespace farm::report
