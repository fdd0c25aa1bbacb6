#include "farm/report/export_html_box.hpp"

#include "farm/measure/stats.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/html_svg.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace farm::report {

namespace {

constexpr double boxes_width = 520;
constexpr double boxes_height = 220;
constexpr PlotArea boxes_plot{78, boxes_width - 14, 12, boxes_height - 38};

struct Quartiles {
    double q1 = 0;
    double median = 0;
    double q3 = 0;
    double whisker_low = 0;
    double whisker_high = 0;
    std::vector<double> outliers;
};

Quartiles quartiles_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    Quartiles q;
    q.q1 = measure::percentile(values, 25);
    q.median = measure::percentile(values, 50);
    q.q3 = measure::percentile(values, 75);
    double reach = 1.5 * (q.q3 - q.q1);
    q.whisker_low = q.q1;
    q.whisker_high = q.q3;
    for (double v : values) {
        if (v < q.q1 - reach || v > q.q3 + reach) {
            q.outliers.push_back(v);
        } else {
            q.whisker_low = std::min(q.whisker_low, v);
            q.whisker_high = std::max(q.whisker_high, v);
        }
    }
    return q;
}

std::string tooltip_of(const BoxSide& side, const Quartiles& q, const std::string& unit) {
    return side.label + ": " + std::to_string(side.values.size()) + " iterations, median " +
           format_value(q.median, unit) + ", quartiles " + format_value(q.q1, unit) + " … " +
           format_value(q.q3, unit);
}

std::string draw_box(const BoxSide& side, const Quartiles& q, const ValueAxis& axis, double x,
                     double box_width, const std::string& unit) {
    const char* extra = side.baseline ? " baseline" : "";
    double half = box_width / 2;
    std::string svg =
        "<g class=\"box-side\"><title>" + html_escape(tooltip_of(side, q, unit)) + "</title>";
    svg += svg_line(x, axis.y(q.whisker_high), x, axis.y(q.q3), "box-whisker");
    svg += svg_line(x, axis.y(q.q1), x, axis.y(q.whisker_low), "box-whisker");
    svg += svg_line(x - half / 2, axis.y(q.whisker_high), x + half / 2, axis.y(q.whisker_high),
                    "box-whisker");
    svg += svg_line(x - half / 2, axis.y(q.whisker_low), x + half / 2, axis.y(q.whisker_low),
                    "box-whisker");
    double top = axis.y(q.q3);
    double box_height = std::max(1.0, axis.y(q.q1) - top);
    svg += "<rect class=\"box" + std::string(extra) + "\" x=\"" + svg_coordinate(x - half) +
           "\" y=\"" + svg_coordinate(top) + "\" width=\"" + svg_coordinate(box_width) +
           "\" height=\"" + svg_coordinate(box_height) + "\"/>";
    svg += svg_line(x - half, axis.y(q.median), x + half, axis.y(q.median),
                    side.baseline ? "box-median baseline" : "box-median");
    for (double v : q.outliers) {
        svg += "<circle class=\"outlier\" cx=\"" + svg_coordinate(x) + "\" cy=\"" +
               svg_coordinate(axis.y(v)) + "\" r=\"2.5\"/>";
    }
    return svg + "</g>";
}

} // namespace

std::string render_box_plot_svg(const BoxPlot& box_plot) {
    std::vector<const BoxSide*> sides;
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (const BoxSide& side : box_plot.sides) {
        for (double v : side.values) {
            if (std::isfinite(v)) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        }
        if (!side.values.empty()) {
            sides.push_back(&side);
        }
    }
    if (std::isfinite(high) && high > 0) {
        high *= 1.04;
    }
    ValueAxis axis = value_axis(low, high, box_plot.unit, boxes_plot);
    std::string svg = "<svg class=\"chart box-plot\" viewBox=\"0 0 " + svg_coordinate(boxes_width) +
                      " " + svg_coordinate(boxes_height) + "\" role=\"img\"" +
                      y_from_attribute(axis) + "><title>" + html_escape(box_plot.title) +
                      "</title>";
    svg += draw_value_axis(axis, box_plot.unit);
    double slot =
        (boxes_plot.right - boxes_plot.left) / double(std::max<std::size_t>(sides.size(), 1));
    for (std::size_t i = 0; i < sides.size(); ++i) {
        double x = boxes_plot.left + slot * (double(i) + 0.5);
        std::vector<double> finite;
        std::copy_if(sides[i]->values.begin(), sides[i]->values.end(), std::back_inserter(finite),
                     [](double v) { return std::isfinite(v); });
        if (finite.empty()) {
            continue;
        }
        svg += draw_box(*sides[i], quartiles_of(finite), axis, x, std::min(90.0, slot * 0.45),
                        box_plot.unit);
        svg += svg_text(x, boxes_plot.bottom + 16, "middle",
                        sides[i]->label + " (n=" + std::to_string(finite.size()) + ")", "run-id");
    }
    return svg + "</svg>";
}

} // namespace farm::report
