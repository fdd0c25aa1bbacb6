#include "farm/report/dataset.hpp"

#include <algorithm>

namespace farm::report {

bool Comparison::any_slower() const {
    return std::any_of(rows.begin(), rows.end(), [](const analysis::MetricComparison& c) {
        return c.verdict == analysis::Verdict::slower;
    });
}

bool is_completed(const history::RunOverview& run) {
    return run.status == history::RunStatus::ok;
}

std::vector<MetricTrend> completed_trends(const SubjectTrend& subject) {
    std::vector<MetricTrend> trends;
    for (const history::RunOverview& run : subject.runs) {
        if (!is_completed(run)) {
            continue; // a build that failed in 4 s is not a 4 s build
        }
        for (const history::MetricSeries& m : run.metrics) {
            auto it = std::find_if(trends.begin(), trends.end(),
                                   [&](const MetricTrend& t) { return t.name == m.name; });
            if (it == trends.end()) {
                trends.push_back({m.name, m.unit, {}});
                it = trends.end() - 1;
            }
            it->medians.push_back(m.summary.median);
        }
    }
    return trends;
}

RunCounts count_runs(const SubjectTrend& subject) {
    RunCounts counts;
    for (const history::RunOverview& run : subject.runs) {
        counts.completed += run.status == history::RunStatus::ok;
        counts.failed += run.status == history::RunStatus::failed;
        counts.interrupted += run.status == history::RunStatus::interrupted;
        if (!is_completed(run)) {
            counts.newest_failure = &run; // runs are oldest first
        }
    }
    return counts;
}

std::string failure_summary(const SubjectTrend& subject) {
    RunCounts counts = count_runs(subject);
    if (!counts.newest_failure) {
        return "";
    }
    std::string out;
    if (counts.failed > 0) {
        out += std::to_string(counts.failed) + " failed";
    }
    if (counts.interrupted > 0) {
        out += (out.empty() ? "" : ", ") + std::to_string(counts.interrupted) + " interrupted";
    }
    const history::RunOverview& newest = *counts.newest_failure;
    out +=
        ", not used as numbers; newest: #" + std::to_string(newest.id) + " " +
        newest.started_at.substr(0, 19) + ", " +
        (newest.failure_reason.empty() ? history::to_string(newest.status) : newest.failure_reason);
    if (!newest.failure_message.empty()) {
        out += ": " + newest.failure_message.substr(0, newest.failure_message.find('\n'));
    }
    return out;
}

std::vector<std::string> failure_message_details(const SubjectTrend& subject) {
    RunCounts counts = count_runs(subject);
    std::vector<std::string> lines;
    if (!counts.newest_failure) {
        return lines;
    }
    const std::string& message = counts.newest_failure->failure_message;
    std::size_t start = message.find('\n');
    while (start != std::string::npos) {
        std::size_t end = message.find('\n', start + 1);
        std::string line =
            message.substr(start + 1, end == std::string::npos ? end : end - start - 1);
        line.erase(0, line.find_first_not_of(' '));
        if (!line.empty()) {
            lines.push_back(std::move(line));
        }
        start = end;
    }
    return lines;
}

} // namespace farm::report
