// The box plot of the HTML report: the iterations of a comparison's two sides (the pooled
// baseline runs and the latest run) side by side, so that the distributions behind a verdict can
// be seen, not only their medians. Each box spans the first to the third quartile (R type 7
// percentiles, as every statistic of farm), a thick line marks the median, the whiskers reach
// the furthest iteration within 1.5 times the box's height (Tukey), and iterations beyond them
// are circles. The value axis follows html_svg.hpp (from zero, or a marked break).
//
// Guarantees: one <svg class="chart box-plot"> with one <rect class="box"> per side that has
// values; every text HTML-escaped.
#pragma once

#include <string>
#include <vector>

namespace farm::report {

struct BoxSide {
    std::string label;          // "baseline", "latest #12"
    std::vector<double> values; // every iteration, any order
    bool baseline = false;
};

struct BoxPlot {
    std::string title; // "build · web · wall time: baseline against latest"
    std::string unit;
    std::vector<BoxSide> sides;
};

std::string render_box_plot_svg(const BoxPlot& plot);

} // namespace farm::report
