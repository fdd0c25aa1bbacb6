#include "farm/report/trend_view.hpp"

#include "farm/measure/stats.hpp"
#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <algorithm>
#include <array>

namespace farm::report {

namespace {

std::optional<double> latest_median(const SubjectTrend& subject, const std::string& metric) {
    for (auto it = subject.runs.rbegin(); it != subject.runs.rend(); ++it) {
        if (const history::MetricSeries* m = it->metric(metric); m && is_completed(*it)) {
            return m->summary.median;
        }
    }
    return std::nullopt;
}

// "  t=0.1 mode=fast": the {NAME} values of the subject's latest run, if it had any.
std::string parameters_label(const SubjectTrend& subject) {
    std::string label;
    if (!subject.runs.empty()) {
        for (const auto& [name, value] : subject.runs.back().parameters) {
            label += "  " + name + "=" + value;
        }
    }
    return label;
}

// The name of the subject's primary metric: that of its newest completed run.
std::string primary_metric_name(const SubjectTrend& subject) {
    for (auto it = subject.runs.rbegin(); it != subject.runs.rend(); ++it) {
        if (const history::MetricSeries* m = it->primary_metric(); m && is_completed(*it)) {
            return m->name;
        }
    }
    return "";
}

std::vector<MetricTrend> shown_trends(const SubjectTrend& subject,
                                      const std::vector<std::string>& metrics) {
    std::vector<MetricTrend> all = completed_trends(subject);
    if (metrics.size() == 1 && metrics[0] == "all") {
        return all;
    }
    std::vector<std::string> wanted = metrics;
    if (wanted.empty()) {
        wanted.push_back(primary_metric_name(subject));
    }
    std::vector<MetricTrend> shown;
    for (MetricTrend& t : all) {
        if (std::find(wanted.begin(), wanted.end(), t.name) != wanted.end()) {
            shown.push_back(std::move(t));
        }
    }
    return shown;
}

} // namespace

std::string sparkline(const std::vector<double>& values) {
    static const std::array<const char*, 8> bars = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (values.empty()) {
        return "";
    }
    auto [low, high] = std::minmax_element(values.begin(), values.end());
    std::string out;
    for (double v : values) {
        std::size_t level = *high > *low ? std::size_t((v - *low) / (*high - *low) * 7.0 + 0.5) : 3;
        out += bars[std::min<std::size_t>(level, 7)];
    }
    return out;
}

std::string render_trends(const std::vector<SubjectTrend>& subjects, bool color, std::size_t width,
                          const std::vector<std::string>& metrics) {
    if (subjects.empty()) {
        return "Nothing recorded yet (or nothing matches the filters). Start with\n"
               "  farm perf:build                 measure the pnpm project you are in\n"
               "  farm perf:build -- COMMAND      time any command\n";
    }
    std::string out;
    std::vector<std::pair<double, std::string>> slowest_packages;
    std::vector<std::pair<std::string, double>> hit_rates;
    std::vector<const history::RunOverview*> troubled;
    for (const SubjectTrend& subject : subjects) {
        for (const history::RunOverview& run : subject.runs) {
            if (!is_completed(run)) {
                troubled.push_back(&run);
            }
        }
        RunCounts counts = count_runs(subject);
        std::string heading =
            subject.kind + " · " + subject.subject + "  (" + count_of(subject.runs.size(), "run");
        if (counts.failed > 0) {
            heading += ", " + std::to_string(counts.failed) + " failed";
        }
        if (counts.interrupted > 0) {
            heading += ", " + std::to_string(counts.interrupted) + " interrupted";
        }
        heading += ")" + parameters_label(subject) + "\n";
        if (std::string failures = failure_summary(subject); !failures.empty()) {
            heading += "  " + failures + "\n";
            for (const std::string& line : failure_message_details(subject)) {
                heading += "    " + line + "\n";
            }
        }
        out += wrap_text(heading, width, 2);
        if (counts.completed == 0) {
            out += "  no completed run in the window: nothing to measure a trend from\n\n";
            continue;
        }
        Table table({"metric", "latest", "median of runs", "trend", "history"});
        table.set_priority(2, 2);
        table.set_priority(4, 1);
        std::vector<MetricTrend> shown = shown_trends(subject, metrics);
        for (const MetricTrend& t : shown) {
            std::string trend =
                t.medians.size() > 1 ? format_change(t.medians.front(), t.medians.back()) : "-";
            table.add_row({metric_label(t.name), format_value(t.medians.back(), t.unit),
                           format_value(measure::median(t.medians), t.unit), trend,
                           sparkline(t.medians)});
        }
        out += table.render(color, width);
        if (std::size_t more = completed_trends(subject).size() - shown.size(); more > 0) {
            out += "   (" + count_of(more, "more metric") + ": --metric all)\n";
        }
        out += "\n";
        if (subject.subject.starts_with("build:") && subject.subject != "build:total") {
            if (std::optional<double> wall = latest_median(subject, "wall_s")) {
                slowest_packages.emplace_back(*wall, subject.subject.substr(6));
            }
        }
        if (std::optional<double> rate = latest_median(subject, "store_hit_rate")) {
            hit_rates.emplace_back(subject.subject, *rate);
        }
    }
    if (slowest_packages.size() > 1) {
        std::sort(slowest_packages.rbegin(), slowest_packages.rend());
        out += "slowest package builds (latest median):\n";
        for (std::size_t i = 0; i < slowest_packages.size() && i < 5; ++i) {
            out += "  " + format_value(slowest_packages[i].first, "s") + "  " +
                   slowest_packages[i].second + "\n";
        }
        out += "\n";
    }
    if (!hit_rates.empty()) {
        out += "store hit rates (latest run):\n";
        for (const auto& [subject, rate] : hit_rates) {
            out += "  " + format_value(rate, "%") + "  " + subject + "\n";
        }
        out += "\n";
    }
    if (!troubled.empty()) {
        out += "failed and interrupted runs:\n";
        for (const history::RunOverview* run : troubled) {
            out += "  #" + std::to_string(run->id) + "  " + run->started_at.substr(0, 19) + "  " +
                   history::to_string(run->status) + "  " + run->subject + "\n";
        }
        out += "\n";
    }
    out += wrap_text("latest: the newest completed run's median; median of runs: the median of "
                     "the completed runs' medians; trend: newest against oldest completed run in "
                     "the window. Failed and interrupted runs are counted, never used as numbers.",
                     width) +
           "\n";
    return out;
}

} // namespace farm::report
