#include "farm/report/export_html_chart.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace farm::report {

namespace {

// The SVG's own coordinates; the page scales it to the width of its box.
constexpr double trend_width = 520;
constexpr double trend_height = 244;
constexpr PlotArea trend_plot{78, trend_width - 14, 14,
                              trend_height - 52}; // left room for "123.4 MiB" labels
constexpr double inset = 12;                      // keeps the first and last dot off the axes
// Run labels closer than this would overlap: only every k-th run is labelled then.
constexpr double min_label_gap = 44;

// A failed or interrupted run: a cross standing on the x axis at the run's place, with why.
std::string failed_run_marker(double x, const std::string& tooltip) {
    double y = trend_plot.bottom - 6;
    std::string d = "M" + svg_coordinate(x - 4) + "," + svg_coordinate(y - 4) + " L" +
                    svg_coordinate(x + 4) + "," + svg_coordinate(y + 4) + " M" +
                    svg_coordinate(x - 4) + "," + svg_coordinate(y + 4) + " L" +
                    svg_coordinate(x + 4) + "," + svg_coordinate(y - 4);
    return "<path class=\"failed-run\" d=\"" + d + "\"><title>" + html_escape(tooltip) +
           "</title></path>";
}

bool whole_steps_only(const std::string& unit, double scale) {
    return unit == "count" || (unit == "bytes" && scale == 1);
}

// Each run's id and commit under its place; with many runs, every k-th counted from the newest.
std::string run_labels(const TrendChart& chart, const std::vector<double>& xs) {
    std::size_t n = xs.size();
    double gap = n > 1 ? xs[1] - xs[0] : trend_width;
    std::size_t every = gap >= min_label_gap ? 1 : std::size_t(std::ceil(min_label_gap / gap));
    std::string svg = "<g class=\"run-labels\">";
    for (std::size_t i = 0; i < n; ++i) {
        if ((n - 1 - i) % every != 0) {
            continue; // counted from the newest run, which is always labelled
        }
        if (i < chart.run_labels.size()) {
            svg += svg_text(xs[i], trend_plot.bottom + 14, "middle", chart.run_labels[i], "run-id");
        }
        if (i < chart.commit_labels.size() && !chart.commit_labels[i].empty()) {
            svg +=
                svg_text(xs[i], trend_plot.bottom + 26, "middle", chart.commit_labels[i], "commit");
        }
    }
    return svg + "</g>";
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

LimitsInScale limits_in_scale(const std::vector<LimitLine>& limits, double data_high,
                              const std::string& unit) {
    LimitsInScale out;
    for (const LimitLine& limit : limits) {
        if (!std::isfinite(data_high) || data_high <= 0 || limit.value <= 3 * data_high) {
            out.drawn.push_back(limit);
        } else {
            out.above.push_back(limit.label + " " + format_value(limit.value, unit) +
                                " is above this chart");
        }
    }
    return out;
}

std::string draw_limits(const LimitsInScale& limits, const ValueAxis& axis) {
    std::string svg;
    for (const LimitLine& limit : limits.drawn) {
        double y = axis.y(limit.value);
        svg += "<g class=\"limit-line\" data-value=\"" + exact_number(limit.value) + "\"><title>" +
               html_escape(limit.label) + "</title>" +
               svg_line(axis.area.left, y, axis.area.right, y, "limit") +
               svg_text(axis.area.right - 2, y - 4, "end", limit.label, "limit-label") + "</g>";
    }
    double y = axis.area.top + 10;
    for (const std::string& words : limits.above) {
        svg += svg_text(axis.area.left + 6, y, "start", "▲ " + words, "limit-label");
        y += 13;
    }
    return svg;
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
    LimitsInScale limits = limits_in_scale(chart.limits, high, chart.unit);
    for (const LimitLine& limit : limits.drawn) {
        low = std::min(low, limit.value);
        high = std::max(high, limit.value);
    }
    if (std::isfinite(high) && high > 0) {
        high *= 1.04; // room above the highest dot, so that it does not sit on the frame
    }
    ValueAxis axis = value_axis(low, high, chart.unit, trend_plot);
    std::size_t n = chart.points.size();
    std::vector<double> xs;
    for (std::size_t i = 0; i < n; ++i) {
        xs.push_back(n <= 1 ? (trend_plot.left + trend_plot.right) / 2
                            : trend_plot.left + inset +
                                  double(i) * (trend_plot.right - trend_plot.left - 2 * inset) /
                                      double(n - 1));
    }

    std::string svg = "<svg class=\"chart trend\" viewBox=\"0 0 " + svg_coordinate(trend_width) +
                      " " + svg_coordinate(trend_height) + "\" role=\"img\"" +
                      y_from_attribute(axis) + "><title>" + html_escape(chart.title) + "</title>";
    svg += draw_value_axis(axis, chart.unit);
    svg += draw_limits(limits, axis);

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
            crosses += failed_run_marker(xs[i], p->tooltip);
            continue;
        }
        if (!p || !std::isfinite(p->median)) {
            continue;
        }
        std::string x = svg_coordinate(xs[i]);
        double min = std::isfinite(p->min) ? p->min : p->median;
        double max = std::isfinite(p->max) ? p->max : p->median;
        upper += (drawn == 0 ? "M" : " L") + x + "," + svg_coordinate(axis.y(max));
        lower = " L" + x + "," + svg_coordinate(axis.y(min)) + lower;
        line += (drawn == 0 ? "" : " ") + x + "," + svg_coordinate(axis.y(p->median));
        dots += "<circle class=\"dot\" cx=\"" + x + "\" cy=\"" + svg_coordinate(axis.y(p->median)) +
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
    svg += run_labels(chart, xs);
    svg += svg_text((trend_plot.left + trend_plot.right) / 2, trend_plot.bottom + 42, "middle",
                    chart.caption, "caption");
    return svg + "</svg>";
}

} // namespace farm::report
