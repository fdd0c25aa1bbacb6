#include "farm/report/export_html_stacked.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace farm::report {

namespace {

constexpr double stacked_width = 520;
constexpr double stacked_height = 236;
constexpr PlotArea stacked_plot{78, stacked_width - 14, 12, stacked_height - 46};

double total_of(const StackedBar& bar) {
    double sum = 0;
    for (const std::optional<double>& part : bar.parts) {
        sum += part.value_or(0);
    }
    return sum;
}

bool is_package_subject(const SubjectTrend& s, const std::string& prefix) {
    return s.subject.starts_with(prefix) && s.subject != "build:total" &&
           s.subject != "build:serial_sum";
}

// The metric a subject's runs measure first among `metrics` (size: brotli_bytes, else bytes).
const history::MetricSeries* first_of(const history::RunOverview& run,
                                      const std::vector<std::string>& metrics) {
    for (const std::string& name : metrics) {
        if (const history::MetricSeries* m = run.metric(name)) {
            return m;
        }
    }
    return nullptr;
}

} // namespace

std::string render_stacked_svg(const StackedChart& chart) {
    double high = 0;
    for (const StackedBar& bar : chart.bars) {
        high = std::max(high, total_of(bar));
    }
    LimitsInScale limits = limits_in_scale(chart.limits, high, chart.unit);
    for (const LimitLine& limit : limits.drawn) {
        high = std::max(high, limit.value);
    }
    ValueAxis axis = value_axis(0, high * 1.04, chart.unit, stacked_plot);
    std::string svg = "<svg class=\"chart stacked\" viewBox=\"0 0 " +
                      svg_coordinate(stacked_width) + " " + svg_coordinate(stacked_height) +
                      "\" role=\"img\"" + y_from_attribute(axis) + "><title>" +
                      html_escape(chart.title) + "</title>";
    svg += draw_value_axis(axis, chart.unit);
    double slot = (stacked_plot.right - stacked_plot.left) /
                  double(std::max<std::size_t>(chart.bars.size(), 1));
    double bar_width = std::min(48.0, slot * 0.7);
    for (std::size_t b = 0; b < chart.bars.size(); ++b) {
        const StackedBar& bar = chart.bars[b];
        double x = stacked_plot.left + slot * (double(b) + 0.5);
        double base = 0;
        for (std::size_t k = 0; k < bar.parts.size() && k < chart.series.size(); ++k) {
            if (!bar.parts[k] || *bar.parts[k] <= 0) {
                continue;
            }
            double top = base + *bar.parts[k];
            svg += "<rect class=\"segment\" fill=\"" + std::string(series_colour(k)) + "\" x=\"" +
                   svg_coordinate(x - bar_width / 2) + "\" y=\"" + svg_coordinate(axis.y(top)) +
                   "\" width=\"" + svg_coordinate(bar_width) + "\" height=\"" +
                   svg_coordinate(axis.y(base) - axis.y(top)) + "\"><title>" +
                   html_escape(chart.series[k] + ": " + format_value(*bar.parts[k], chart.unit) +
                               " (" + bar.label + ")") +
                   "</title></rect>";
            base = top;
        }
        if (slot >= 36 || b + 1 == chart.bars.size() || b % 2 == 0) {
            svg += svg_text(x, stacked_plot.bottom + 14, "middle", bar.label, "run-id");
            svg += svg_text(x, stacked_plot.bottom + 26, "middle", bar.sublabel, "commit");
        }
    }
    svg += draw_limits(limits, axis);
    svg +=
        svg_text((stacked_plot.left + stacked_plot.right) / 2, stacked_plot.bottom + 40, "middle",
                 std::to_string(chart.bars.size()) +
                     (chart.bars.size() == 1 ? " build" : " builds") + ", oldest to newest",
                 "caption");
    return svg + "</svg>";
}

std::string stacked_legend_html(const StackedChart& chart) {
    std::string out = "<ul class=\"legend\">";
    for (std::size_t k = 0; k < chart.series.size(); ++k) {
        out += "<li><span class=\"swatch\" style=\"background:" + std::string(series_colour(k)) +
               "\"></span>" + html_escape(chart.series[k]) + "</li>";
    }
    return out + "</ul>";
}

StackedChart project_stack(const std::vector<SubjectTrend>& subjects, const std::string& prefix,
                           const std::vector<std::string>& metrics, const std::string& title,
                           std::size_t max_bars) {
    StackedChart chart;
    chart.title = title;
    // started_at -> package index -> run median; and what labels the bar.
    std::map<std::string, std::map<std::size_t, double>> by_start;
    std::map<std::string, const history::RunOverview*> label_run;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> ids; // lowest, highest
    for (const SubjectTrend& subject : subjects) {
        if (!is_package_subject(subject, prefix)) {
            continue;
        }
        std::size_t k = chart.series.size();
        bool used = false;
        for (const history::RunOverview& run : subject.runs) {
            const history::MetricSeries* m = is_completed(run) ? first_of(run, metrics) : nullptr;
            if (!m) {
                continue;
            }
            chart.unit = m->unit;
            chart.metric = m->name;
            by_start[run.started_at][k] = m->summary.median;
            label_run.emplace(run.started_at, &run);
            auto [at, fresh] = ids.try_emplace(run.started_at, run.id, run.id);
            at->second.first = std::min(at->second.first, run.id);
            at->second.second = std::max(at->second.second, run.id);
            used = true;
        }
        if (used) {
            chart.series.push_back(subject.subject.substr(prefix.size()));
        }
    }
    for (const auto& [started_at, parts] : by_start) {
        if (parts.size() < 2) {
            continue; // one package alone is its own subject's chart
        }
        StackedBar bar;
        auto [lowest, highest] = ids[started_at];
        bar.label = "#" + std::to_string(lowest) + "–" + std::to_string(highest);
        const history::RunOverview* run = label_run[started_at];
        bar.sublabel = run->git_commit.substr(0, 7);
        bar.parts.resize(chart.series.size());
        for (const auto& [k, value] : parts) {
            bar.parts[k] = value;
        }
        chart.bars.push_back(std::move(bar));
    }
    if (chart.bars.size() > max_bars) {
        chart.bars.erase(chart.bars.begin(), chart.bars.end() - std::ptrdiff_t(max_bars));
    }
    return chart;
}

} // namespace farm::report
