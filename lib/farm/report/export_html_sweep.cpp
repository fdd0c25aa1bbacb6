#include "farm/report/export_html_sweep.hpp"

#include "farm/report/export_html_chart.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/html_svg.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace farm::report {

namespace {

constexpr double sweep_width = 520;
constexpr double sweep_height = 250;
constexpr PlotArea sweep_plot{78, sweep_width - 18, 14, sweep_height - 40};

// "ai/m/chat_stream/c=16" -> {"ai/m/chat_stream", "c=16"}; {} for a subject that is no level.
std::pair<std::string, std::string> split_level(const std::string& subject) {
    std::size_t slash = subject.rfind('/');
    if (slash == std::string::npos || subject.size() < slash + 4) {
        return {};
    }
    char mode = subject[slash + 1];
    std::string number = subject.substr(slash + 3);
    bool numeric = !number.empty() && number.find_first_not_of("0123456789.") == std::string::npos;
    if ((mode != 'c' && mode != 'r') || subject[slash + 2] != '=' || !numeric) {
        return {};
    }
    return {subject.substr(0, slash), subject.substr(slash + 1)};
}

// "0", "2.5", "40": the unit is in the axis's caption.
std::string printf_tick(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

// The x axis: round ticks of requests per second from zero, along the bottom.
std::string draw_x_axis(const std::vector<double>& ticks, double x_high) {
    std::string svg;
    for (double tick : ticks) {
        double x = sweep_plot.left + tick / x_high * (sweep_plot.right - sweep_plot.left);
        svg += svg_line(x, sweep_plot.top, x, sweep_plot.bottom, "grid");
        svg += svg_text(x, sweep_plot.bottom + 14, "middle", printf_tick(tick), "tick");
    }
    return svg + svg_text((sweep_plot.left + sweep_plot.right) / 2, sweep_plot.bottom + 30,
                          "middle", "throughput (successful requests per second) →", "caption");
}

} // namespace

std::string render_sweep_svg(const SweepCurve& curve) {
    double x_max = 0;
    double y_max = 0;
    for (const CurvePoint& p : curve.points) {
        x_max = std::max(x_max, p.throughput);
        y_max = std::max(y_max, p.latency_ms);
    }
    std::vector<double> x_ticks = nice_ticks(0, x_max > 0 ? x_max * 1.06 : 1, "req/s");
    double x_high = x_ticks.back() > 0 ? x_ticks.back() : 1;
    ValueAxis axis = value_axis(0, y_max > 0 ? y_max * 1.06 : 1, "ms", sweep_plot);
    auto x_of = [&](double v) {
        return sweep_plot.left + v / x_high * (sweep_plot.right - sweep_plot.left);
    };

    std::string svg = "<svg class=\"chart sweep\" viewBox=\"0 0 " + svg_coordinate(sweep_width) +
                      " " + svg_coordinate(sweep_height) +
                      "\" role=\"img\" data-y-from=\"0\"><title>" + html_escape(curve.title) +
                      "</title>";
    svg += draw_x_axis(x_ticks, x_high);
    svg += draw_value_axis(axis, "ms");
    svg += svg_text(sweep_plot.left + 4, sweep_plot.top + 2, "start", "↑ median end-to-end latency",
                    "caption");
    std::string line;
    std::string dots;
    for (const CurvePoint& p : curve.points) {
        std::string x = svg_coordinate(x_of(p.throughput));
        std::string y = svg_coordinate(axis.y(p.latency_ms));
        line += (line.empty() ? "" : " ") + x + "," + y;
        dots +=
            "<circle class=\"curve-dot\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"4\"><title>" +
            html_escape(p.label + ": " + format_value(p.throughput, "req/s") + ", median " +
                        format_value(p.latency_ms, "ms")) +
            "</title></circle>" +
            svg_text(x_of(p.throughput) + 6, axis.y(p.latency_ms) - 6, "start", p.label, "run-id");
    }
    svg += "<polyline class=\"curve\" points=\"" + line + "\"/>" + dots;
    return svg + "</svg>";
}

std::string sweep_svg_document(const std::vector<SweepCurve>& curves) {
    // Drawn 1.5 times its viewBox, so that the file reads well when opened on its own.
    double scale = 1.5;
    double total = sweep_height * scale * double(std::max<std::size_t>(curves.size(), 1));
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sweep-document\" "
                      "width=\"" +
                      svg_coordinate(sweep_width * scale) + "\" height=\"" + svg_coordinate(total) +
                      "\">\n<title>throughput against latency</title>\n<style>" +
                      chart_style_sheet() + "</style>\n<rect width=\"100%\" height=\"100%\" " +
                      "fill=\"#fff\"/>\n";
    for (std::size_t i = 0; i < curves.size(); ++i) {
        std::string chart = render_sweep_svg(curves[i]);
        // The nested <svg> is placed by its x, y, width and height; its viewBox scales it.
        std::string place = "<svg x=\"0\" y=\"" + svg_coordinate(sweep_height * scale * double(i)) +
                            "\" width=\"" + svg_coordinate(sweep_width * scale) + "\" height=\"" +
                            svg_coordinate(sweep_height * scale) + "\" ";
        chart.replace(0, 5, place);
        out += chart + "\n";
    }
    return out + "</svg>\n";
}

bool is_svg_file(const std::string& file) {
    std::string extension = std::filesystem::path(file).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension == ".svg";
}

std::vector<SweepCurve> sweeps_in(const std::vector<SubjectTrend>& subjects) {
    std::map<std::string, SweepCurve> by_base;
    std::vector<std::string> order;
    for (const SubjectTrend& subject : subjects) {
        auto [base, level] = split_level(subject.subject);
        if (subject.kind != "ai" || base.empty()) {
            continue;
        }
        for (auto run = subject.runs.rbegin(); run != subject.runs.rend(); ++run) {
            const history::MetricSeries* throughput = run->metric("request_throughput");
            const history::MetricSeries* e2e = run->metric("e2e_ms");
            if (!is_completed(*run) || !throughput || !e2e) {
                continue;
            }
            if (!by_base.contains(base)) {
                order.push_back(base);
                by_base[base].title = base + ": throughput against latency";
            }
            by_base[base].points.push_back(
                {level, throughput->summary.median, e2e->summary.median});
            break;
        }
    }
    std::vector<SweepCurve> curves;
    for (const std::string& base : order) {
        if (by_base[base].points.size() >= 2) {
            curves.push_back(std::move(by_base[base]));
        }
    }
    return curves;
}

} // namespace farm::report
