#include "farm/report/html_svg.hpp"

#include "farm/report/export_html_chart.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace farm::report {

std::string svg_coordinate(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
}

std::string svg_text(double x, double y, const char* anchor, const std::string& text,
                     const char* css_class) {
    return "<text class=\"" + std::string(css_class) + "\" x=\"" + svg_coordinate(x) + "\" y=\"" +
           svg_coordinate(y) + "\" text-anchor=\"" + anchor + "\">" + html_escape(text) + "</text>";
}

std::string svg_line(double x1, double y1, double x2, double y2, const char* css_class) {
    return "<line class=\"" + std::string(css_class) + "\" x1=\"" + svg_coordinate(x1) +
           "\" y1=\"" + svg_coordinate(y1) + "\" x2=\"" + svg_coordinate(x2) + "\" y2=\"" +
           svg_coordinate(y2) + "\"/>";
}

double ValueAxis::high() const {
    return ticks.back() > ticks.front() ? ticks.back() : ticks.front() + 1;
}

double ValueAxis::y(double value) const {
    return area.bottom - (value - low()) / (high() - low()) * (area.bottom - area.top);
}

namespace {

// A change of 5% or more that a zero-based axis would squeeze into its top eighth: the one case
// where the axis starts above zero (with a mark), as the change would otherwise be a few pixels.
bool zero_would_flatten(double low, double high) {
    return low > 0 && high > 0 && low >= 0.875 * high && (high - low) >= 0.05 * high;
}

} // namespace

ValueAxis value_axis(double low, double high, const std::string& unit, const PlotArea& area) {
    ValueAxis axis;
    axis.area = area;
    if (!std::isfinite(low) || !std::isfinite(high)) {
        low = 0;
        high = 1;
    }
    axis.broken = zero_would_flatten(low, high);
    if (axis.broken) {
        double room = (high - low) * 0.15; // the lowest value does not sit on the break
        axis.ticks = nice_ticks(low - room, high, unit);
    } else {
        axis.ticks = nice_ticks(std::min(low, 0.0), std::max(high, 0.0), unit);
    }
    return axis;
}

std::string draw_value_axis(const ValueAxis& axis, const std::string& unit) {
    const PlotArea& a = axis.area;
    std::string svg;
    for (double tick : axis.ticks) {
        double y = axis.y(tick);
        svg += svg_line(a.left, y, a.right, y, "grid");
        svg += svg_text(a.left - 6, y + 4, "end", format_value(tick, unit));
    }
    svg += svg_line(a.left, a.top, a.left, a.bottom, "axis");
    svg += svg_line(a.left, a.bottom, a.right, a.bottom, "axis");
    if (axis.broken) {
        // Two slanted strokes across the y axis just above its foot, on a white gap.
        double x = a.left;
        double y = a.bottom - 10;
        svg += "<g class=\"axis-break\"><title>the axis does not start at 0: it is broken here"
               "</title><rect x=\"" +
               svg_coordinate(x - 7) + "\" y=\"" + svg_coordinate(y - 4) +
               "\" width=\"14\" height=\"8\"/>" +
               svg_line(x - 7, y + 1, x + 7, y - 3, "break-stroke") +
               svg_line(x - 7, y + 5, x + 7, y + 1, "break-stroke") + "</g>";
    }
    return svg;
}

std::string y_from_attribute(const ValueAxis& axis) {
    return axis.broken ? " data-y-from=\"break\"" : " data-y-from=\"0\"";
}

const char* chart_style_sheet() {
    return R"(
svg.chart { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 11px; fill: #59636e; }
svg text.caption { fill: #8c959f; }
svg text.limit-label { fill: #9a6700; font-weight: 600; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .axis-break rect { fill: #fff; stroke: none; }
svg .break-stroke { stroke: #59636e; stroke-width: 1.5; }
svg .band { fill: #0969da; fill-opacity: .13; stroke: none; }
svg .whisker { fill: none; stroke: #0969da; stroke-opacity: .4; stroke-width: 3; }
svg .line { fill: none; stroke: #0969da; stroke-width: 2; stroke-linejoin: round; }
svg .dot { fill: #0969da; stroke: #fff; stroke-width: 1.5; }
svg .failed-run { stroke: #cf222e; stroke-width: 2.5; fill: none; }
svg .limit { stroke: #bf8700; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .box { fill: #ddf4ff; stroke: #0969da; stroke-width: 1.5; }
svg .box.baseline { fill: #eef0f2; stroke: #59636e; }
svg .box-median { stroke: #0550ae; stroke-width: 2.5; }
svg .box.baseline + .box-median, svg .box-median.baseline { stroke: #24292f; }
svg .box-whisker { stroke: #59636e; stroke-width: 1.2; }
svg .outlier { fill: none; stroke: #59636e; stroke-width: 1; }
svg .curve { fill: none; stroke: #8250df; stroke-width: 2; stroke-linejoin: round; }
svg .curve-dot { fill: #8250df; stroke: #fff; stroke-width: 1.5; }
svg .legend-swatch { stroke: none; }
)";
}

const char* series_colour(std::size_t k) {
    static const char* const palette[] = {"#0969da", "#1a7f37", "#bf8700", "#8250df",
                                          "#cf222e", "#1b7c83", "#9a6700", "#bc4c00"};
    return palette[k % (sizeof palette / sizeof palette[0])];
}

} // namespace farm::report
