#include "farm/report/export_html_chart.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace farm::report {

namespace {

// The SVG's own coordinates; the page scales it to the width of its box.
constexpr double width = 520;
constexpr double height = 220;
constexpr double plot_left = 78; // room for tick labels such as "123.4 MiB"
constexpr double plot_right = width - 14;
constexpr double plot_top = 12;
constexpr double plot_bottom = height - 34; // room for the date labels
constexpr double inset = 12;                // keeps the first and last dot off the axes

// Coordinates with 1 decimal: exact enough for a screen, and short.
std::string coordinate(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
}

std::string svg_text(double x, double y, const char* anchor, const std::string& text,
                     const char* css_class = "tick") {
    return "<text class=\"" + std::string(css_class) + "\" x=\"" + coordinate(x) + "\" y=\"" +
           coordinate(y) + "\" text-anchor=\"" + anchor + "\">" + html_escape(text) + "</text>";
}

std::string svg_line(double x1, double y1, double x2, double y2, const char* css_class) {
    return "<line class=\"" + std::string(css_class) + "\" x1=\"" + coordinate(x1) + "\" y1=\"" +
           coordinate(y1) + "\" x2=\"" + coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\"/>";
}

// A failed or interrupted run: a cross standing on the x axis at the run's place, with why.
std::string failed_run_marker(double x, const std::string& tooltip) {
    double y = plot_bottom - 6;
    std::string d = "M" + coordinate(x - 4) + "," + coordinate(y - 4) + " L" + coordinate(x + 4) +
                    "," + coordinate(y + 4) + " M" + coordinate(x - 4) + "," + coordinate(y + 4) +
                    " L" + coordinate(x + 4) + "," + coordinate(y - 4);
    return "<path class=\"failed-run\" d=\"" + d + "\"><title>" + html_escape(tooltip) +
           "</title></path>";
}

bool whole_steps_only(const std::string& unit, double scale) {
    return unit == "count" || (unit == "bytes" && scale == 1);
}

} // namespace

std::vector<double> nice_ticks(double low, double high, const std::string& unit) {
    if (!std::isfinite(low) || !std::isfinite(high)) {
        low = 0;
        high = 1;
    }
    if (low > high) {
        std::swap(low, high);
    }
    // Bytes step by KiB, MiB, ... so that format_value prints round labels ("64.0 MiB").
    double scale = 1;
    double magnitude = std::max(std::fabs(low), std::fabs(high));
    while (unit == "bytes" && magnitude >= 1024 * scale && scale < 0x1p40) {
        scale *= 1024;
    }
    double a = low / scale;
    double b = high / scale;
    if (b - a <= std::fabs(b) * 1e-9) {
        double room = whole_steps_only(unit, scale) ? 1 : a == 0 ? 0.5 : std::fabs(a) * 0.05;
        a = a == 0 ? 0 : a - room;
        b += room;
    }
    // The smallest round step that needs at most 5 ticks; starting below span / 5 guarantees the
    // one before it needed more, which bounds the result to at least 3 ticks.
    int exponent = static_cast<int>(std::floor(std::log10((b - a) / 5)));
    const double multipliers[] = {1, 2, 2.5, 5};
    for (int k = exponent; k <= std::max(exponent + 3, 1); ++k) {
        for (double m : multipliers) {
            double step = m * std::pow(10.0, k);
            if (whole_steps_only(unit, scale) && (step < 1 || step != std::floor(step))) {
                continue;
            }
            double first = std::floor(a / step + 1e-9);
            double last = std::ceil(b / step - 1e-9);
            if (last - first + 1 > 5) {
                continue;
            }
            std::vector<double> ticks;
            for (double i = first; i <= last; ++i) {
                ticks.push_back(i * step * scale);
            }
            return ticks;
        }
    }
    return {low, high}; // not reached: the last candidate step is larger than the span
}

std::string render_trend_svg(const TrendChart& chart) {
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (const std::optional<ChartPoint>& p : chart.points) {
        if (!p || p->failed) {
            continue; // a failed run is no measurement: it never stretches the scale
        }
        for (double v : {p->median, p->min, p->max}) {
            if (std::isfinite(v)) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        }
    }
    // A little room above and below, so that a dot on the extreme tick does not sit on the frame;
    // none below a zero that the data reaches, which is a meaningful bottom.
    if (std::isfinite(low) && high > low) {
        double room = (high - low) * 0.04;
        low = low >= 0 ? std::max(0.0, low - room) : low - room;
        high += room;
    }
    std::vector<double> ticks = nice_ticks(low, high, chart.unit);
    double y_low = ticks.front();
    double y_high = ticks.back() > y_low ? ticks.back() : y_low + 1;
    auto y_of = [&](double v) {
        return plot_bottom - (v - y_low) / (y_high - y_low) * (plot_bottom - plot_top);
    };
    std::size_t n = chart.points.size();
    auto x_of = [&](std::size_t i) {
        if (n <= 1) {
            return (plot_left + plot_right) / 2;
        }
        return plot_left + inset +
               static_cast<double>(i) * (plot_right - plot_left - 2 * inset) /
                   static_cast<double>(n - 1);
    };

    std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + coordinate(width) + " " +
                      coordinate(height) + "\" role=\"img\"><title>" + html_escape(chart.title) +
                      "</title>";
    for (double tick : ticks) {
        double y = y_of(tick);
        svg += svg_line(plot_left, y, plot_right, y, "grid");
        svg += svg_text(plot_left - 6, y + 4, "end", format_value(tick, chart.unit));
    }
    svg += svg_line(plot_left, plot_top, plot_left, plot_bottom, "axis");
    svg += svg_line(plot_left, plot_bottom, plot_right, plot_bottom, "axis");

    // The band: along the maxima left to right, back along the minima; a lone run gets a whisker.
    std::string upper;
    std::string lower;
    std::string line;
    std::string dots;
    std::string crosses;
    std::size_t drawn = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::optional<ChartPoint>& p = chart.points[i];
        if (p && p->failed) {
            crosses += failed_run_marker(x_of(i), p->tooltip);
            continue;
        }
        if (!p || !std::isfinite(p->median)) {
            continue;
        }
        std::string x = coordinate(x_of(i));
        double min = std::isfinite(p->min) ? p->min : p->median;
        double max = std::isfinite(p->max) ? p->max : p->median;
        upper += (drawn == 0 ? "M" : " L") + x + "," + coordinate(y_of(max));
        lower = " L" + x + "," + coordinate(y_of(min)) + lower;
        line += (drawn == 0 ? "" : " ") + x + "," + coordinate(y_of(p->median));
        dots += "<circle class=\"dot\" cx=\"" + x + "\" cy=\"" + coordinate(y_of(p->median)) +
                "\" r=\"3.5\"><title>" + html_escape(p->tooltip) + "</title></circle>";
        ++drawn;
    }
    if (drawn > 1) {
        svg += "<path class=\"band\" d=\"" + upper + lower + " Z\"/>";
        svg += "<polyline class=\"line\" points=\"" + line + "\"/>";
    } else if (drawn == 1) {
        svg += "<path class=\"whisker\" d=\"" + upper + lower + "\"/>";
    }
    svg += dots + crosses;

    double label_y = plot_bottom + 18;
    if (n <= 1) {
        svg += svg_text(x_of(0), label_y, "middle", chart.first_label);
    } else {
        svg += svg_text(x_of(0), label_y, "start", chart.first_label);
        svg += svg_text(x_of(n - 1), label_y, "end", chart.last_label);
        svg += svg_text((plot_left + plot_right) / 2, label_y, "middle",
                        std::to_string(n) + " runs, oldest to newest", "caption");
    }
    return svg + "</svg>";
}

} // namespace farm::report
