// Renders one run: the summary table a person reads after `farm perf:build`, and the JSON
// document (`--json`, schema "farm.run/1", documented in docs/json.md) that scripts read.
//
// Both say what each number is: medians and means over the listed number of runs, the
// confidence interval of the median, RSS of the largest process beside the tree's peak. A metric
// that was not measured (for instance a run with no completed iteration) is not shown at all.
#pragma once

#include "farm/history/run.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace farm::report {

struct Outlier {
    std::string metric;
    std::size_t iteration = 0;
    double value = 0;
    double modified_z = 0;
};

// Outliers of the wall time (the metric a person acts on), by modified z-score.
std::vector<Outlier> find_outliers(const std::vector<history::MetricSeries>& series);

// `width`: the columns to fit (0: no limit); the least needed columns go first (run_view.cpp).
std::string render_run_table(const history::Run& run, const std::string& failure, bool color,
                             std::size_t width = 0);

nlohmann::json run_to_json(const history::Run& run, const std::string& failure);

// The pieces run_to_json is made of, for documents that hold several runs.
nlohmann::json iterations_to_json(const history::Run& run);
nlohmann::json summary_to_json(const std::vector<history::MetricSeries>& series);
// Adds "git", "host", "tools" and "project" of the context to `document`.
void add_context_json(nlohmann::json& document, const sys::RunContext& context);

} // namespace farm::report
