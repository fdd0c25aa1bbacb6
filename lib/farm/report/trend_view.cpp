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

std::string render_trends(const std::vector<SubjectTrend>& subjects, bool color) {
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
        out += subject.kind + " · " + subject.subject + "  (" +
               std::to_string(subject.runs.size()) + (subject.runs.size() == 1 ? " run" : " runs");
        if (counts.failed > 0) {
            out += ", " + std::to_string(counts.failed) + " failed";
        }
        if (counts.interrupted > 0) {
            out += ", " + std::to_string(counts.interrupted) + " interrupted";
        }
        out += ")" + parameters_label(subject) + "\n";
        if (std::string failures = failure_summary(subject); !failures.empty()) {
            out += "  " + failures + "\n";
            for (const std::string& line : failure_message_details(subject)) {
                out += "    " + line + "\n";
            }
        }
        if (counts.completed == 0) {
            out += "  no completed run in the window: nothing to measure a trend from\n\n";
            continue;
        }
        Table table({"metric", "latest", "median of runs", "trend", "history"});
        for (const MetricTrend& t : completed_trends(subject)) {
            std::string trend =
                t.medians.size() > 1 ? format_change(t.medians.front(), t.medians.back()) : "-";
            table.add_row({metric_label(t.name), format_value(t.medians.back(), t.unit),
                           format_value(measure::median(t.medians), t.unit), trend,
                           sparkline(t.medians)});
        }
        out += table.render(color) + "\n";
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
    out += "latest: the newest completed run's median; median of runs: the median of the "
           "completed runs' medians; trend: newest against oldest completed run in the window. "
           "Failed and interrupted runs are counted, never used as numbers.\n";
    return out;
}

} // namespace farm::report
