// What a report is made of, whatever it is rendered as (terminal, JSON, CSV, Markdown, HTML,
// Prometheus): the runs of each subject in the chosen window, oldest first, with their metric
// summaries and (for exports that need them) every iteration's values; and, for --compare, the
// comparison rows. Renderers take this and nothing else, so every format says the same thing.
#pragma once

#include "farm/analysis/compare.hpp"
#include "farm/history/run.hpp"
#include "farm/report/chart_limits.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct SubjectTrend {
    std::string kind;
    std::string subject;
    std::vector<history::RunOverview> runs; // oldest first; metrics[].values filled for exports
};

// Whether a run is a measurement: it completed (status ok). The same rule as
// history::RunQuery::ok_only, which --compare's baselines and optimize's advice query with;
// every trend, median of runs and ranking reads these runs only. Failed and interrupted runs
// are counted and named, never numbers.
bool is_completed(const history::RunOverview& run);

// One metric's run medians over a subject's completed runs, oldest first.
struct MetricTrend {
    std::string name;
    std::string unit;
    std::vector<double> medians;
};
std::vector<MetricTrend> completed_trends(const SubjectTrend& subject);

struct RunCounts {
    std::size_t completed = 0;
    std::size_t failed = 0;
    std::size_t interrupted = 0;
    const history::RunOverview* newest_failure = nullptr; // failed or interrupted
};
RunCounts count_runs(const SubjectTrend& subject);

// "1 failed, 1 interrupted, not used as numbers; newest: #4 2026-11-21T10:05:00, exit code 3 in
// run 1 of 1: build of @acme/db failed: DATABASE_URL is not set" (the stored message's first
// line, where the history kept one); empty when every run completed. What every renderer says
// of the left-out runs.
std::string failure_summary(const SubjectTrend& subject);

// The newest failure's stored message after its first line (the package's further last lines,
// how the run ended), one entry per non-empty line, leading spaces removed: what the terminal
// report shows under failure_summary.
std::vector<std::string> failure_message_details(const SubjectTrend& subject);

// The iterations both sides of one comparison row pooled: what the HTML report's box plots draw.
struct ComparedSamples {
    std::vector<double> baseline;
    std::vector<double> candidate;
    std::int64_t candidate_run = 0; // the latest run's id
};

struct Comparison {
    std::vector<analysis::MetricComparison> rows;
    std::vector<ComparedSamples> samples; // parallel to rows
    // Per subject, how its baseline was chosen: "merge-base 1a2b3c4 of HEAD and main (3 runs)".
    std::vector<std::pair<std::string, std::string>> baselines;
    // Over the subjects' primary metric, of the rows compared (a baseline and a change): a row
    // without a baseline is no evidence either way. geomean_rows says how many.
    std::optional<double> geomean_ratio;
    std::size_t geomean_rows = 0;
    double alpha = 0.05;
    bool any_slower() const;
};

struct ReportData {
    std::string database;
    std::string generated_at; // ISO 8601 UTC
    std::vector<SubjectTrend> subjects;
    std::optional<Comparison> comparison;
    // Lines the HTML charts draw (the config's thresholds and budgets); other formats ignore them.
    std::vector<ConfigLimit> limits;
};

} // namespace farm::report
