#include "farm/report/history_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <cmath>
#include <optional>

namespace farm::report {

namespace {

struct SubjectRuns {
    const history::RunOverview* newest = nullptr;
    std::vector<const history::RunOverview*> runs; // newest first
};

std::vector<SubjectRuns> group_by_subject(const std::vector<history::RunOverview>& runs) {
    std::vector<SubjectRuns> groups;
    for (const history::RunOverview& run : runs) {
        if (groups.empty() || groups.back().newest->kind != run.kind ||
            groups.back().newest->subject != run.subject) {
            groups.push_back(SubjectRuns{&run, {}});
        }
        groups.back().runs.push_back(&run);
    }
    return groups;
}

const history::MetricSeries* primary_metric(const history::RunOverview& run) {
    return run.metrics.empty() ? nullptr : &run.metrics.front();
}

// The change of `run`'s primary metric against the next older run that measured it.
std::optional<std::pair<double, double>> against_previous(const SubjectRuns& group,
                                                          std::size_t index) {
    const history::MetricSeries* current = primary_metric(*group.runs[index]);
    if (!current) {
        return std::nullopt;
    }
    for (std::size_t older = index + 1; older < group.runs.size(); ++older) {
        const history::MetricSeries* previous = group.runs[older]->metric(current->name);
        if (previous) {
            return std::make_pair(previous->summary.median, current->summary.median);
        }
    }
    return std::nullopt;
}

} // namespace

std::string render_recent_runs(const std::vector<history::RunOverview>& runs,
                               std::size_t per_subject, bool color) {
    if (runs.empty()) {
        return "No runs recorded yet. Measure something with `farm perf:build -- COMMAND`.\n";
    }
    std::string out;
    for (const SubjectRuns& group : group_by_subject(runs)) {
        const history::RunOverview& newest = *group.newest;
        out += newest.kind + " · " + newest.subject + "\n";
        Table table({"run", "started (UTC)", "status", "git", "metric", "median", "n",
                     "vs previous"});
        for (std::size_t i = 0; i < group.runs.size() && i < per_subject; ++i) {
            const history::RunOverview& run = *group.runs[i];
            const history::MetricSeries* metric = primary_metric(run);
            std::optional<std::pair<double, double>> change = against_previous(group, i);
            std::string git = run.git_commit.substr(0, 8) + (run.git_dirty ? "+" : "");
            table.add_row({"#" + std::to_string(run.id), run.started_at.substr(0, 19),
                           history::to_string(run.status), git,
                           metric ? metric_label(metric->name) : "-",
                           metric ? format_value(metric->summary.median, metric->unit) : "-",
                           metric ? std::to_string(metric->summary.count) : "0",
                           change ? format_change(change->first, change->second) : "-"});
        }
        out += table.render(color) + "\n";
    }
    out += "median: the median over the run's iterations; vs previous: change of that median "
           "against the subject's previous run (+ is larger, slower for times).\n";
    return out;
}

nlohmann::json recent_runs_to_json(const std::vector<history::RunOverview>& runs,
                                   std::size_t per_subject) {
    using nlohmann::json;
    json subjects = json::array();
    for (const SubjectRuns& group : group_by_subject(runs)) {
        json list = json::array();
        for (std::size_t i = 0; i < group.runs.size() && i < per_subject; ++i) {
            const history::RunOverview& run = *group.runs[i];
            json metrics = json::object();
            for (const history::MetricSeries& m : run.metrics) {
                metrics[m.name] = {{"unit", m.unit},
                                   {"count", m.summary.count},
                                   {"median", m.summary.median},
                                   {"mean", m.summary.mean},
                                   {"stddev", m.summary.stddev}};
            }
            std::optional<std::pair<double, double>> change = against_previous(group, i);
            json change_json = nullptr;
            if (change && change->first != 0) {
                change_json = {{"metric", primary_metric(run)->name},
                               {"previous_median", change->first},
                               {"change_pct", (change->second - change->first) /
                                                  std::abs(change->first) * 100.0}};
            }
            list.push_back({{"run_id", run.id},
                            {"started_at", run.started_at},
                            {"status", history::to_string(run.status)},
                            {"command", run.command},
                            {"git", {{"commit", run.git_commit},
                                     {"branch", run.git_branch},
                                     {"dirty", run.git_dirty}}},
                            {"metrics", metrics},
                            {"vs_previous", change_json}});
        }
        subjects.push_back(
            {{"kind", group.newest->kind}, {"subject", group.newest->subject}, {"runs", list}});
    }
    return {{"schema", "farm.report.recent/1"}, {"subjects", subjects}};
}

} // namespace farm::report
