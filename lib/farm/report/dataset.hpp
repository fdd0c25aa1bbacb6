// What a report is made of, whatever it is rendered as (terminal, JSON, CSV, Markdown, HTML,
// Prometheus): the runs of each subject in the chosen window, oldest first, with their metric
// summaries and (for exports that need them) every iteration's values; and, for --compare, the
// comparison rows. Renderers take this and nothing else, so every format says the same thing.
#pragma once

#include "farm/analysis/compare.hpp"
#include "farm/history/run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct SubjectTrend {
    std::string kind;
    std::string subject;
    std::vector<history::RunOverview> runs; // oldest first; metrics[].values filled for exports
};

struct Comparison {
    std::vector<analysis::MetricComparison> rows;
    // Per subject, how its baseline was chosen: "merge-base 1a2b3c4 of HEAD and main (3 runs)".
    std::vector<std::pair<std::string, std::string>> baselines;
    std::optional<double> geomean_ratio; // over the subjects' primary metric
    double alpha = 0.05;
    bool any_slower() const;
};

struct ReportData {
    std::string database;
    std::string generated_at; // ISO 8601 UTC
    std::vector<SubjectTrend> subjects;
    std::optional<Comparison> comparison;
};

} // namespace farm::report
