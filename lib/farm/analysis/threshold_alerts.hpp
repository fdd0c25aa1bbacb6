// The thresholds the newest run of each subject breaches, for the dashboard's alerts: every
// threshold of a perf:test suite, checked on the runs that suite makes (as perf:test would), and
// the dev services' start-up and hot-reload thresholds (thresholds.dev). Size budgets and the
// advice of the history rules are checked elsewhere (budgets.hpp, optimize_advice.hpp).
//
// Only a breach is an alert: a threshold whose subject has no run yet, or whose metric the run
// did not measure, is not (perf:test fails those; the dashboard shows what is, not what is not).
#pragma once

#include "farm/analysis/suite_thresholds.hpp"
#include "farm/core/config.hpp"
#include "farm/history/run.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

struct ThresholdAlert {
    std::string source;  // "test suite 'cli'", "thresholds.dev"
    std::string subject; // the breaching run's subject
    std::string finding; // what was measured against what limit
    std::string action;  // what to do
    std::int64_t run_id = 0;
    // The breached check of a perf:test suite, so that a view can say it in the metric's unit
    // ("wall time p95 14.57 ms is over the limit of 1.000 ms"); none for thresholds.dev.
    std::optional<CheckResult> check;
};

// Whether `run` is one the suite makes: its command's subject, its pnpm project's subjects,
// its services' startup:/reload: subjects, its providers' provider/model/operation subjects.
bool suite_covers(const core::TestSuite& suite, const history::Run& run);

// The metrics threshold_alerts reads of `run` (given without its iterations): none when it does
// not look at the run at all, an empty list when the exit codes alone matter. A run of a million
// requests is then read with one metric, not whole.
std::optional<std::vector<std::string>> threshold_metrics(const core::Config& config,
                                                          const history::Run& run);

// `latest`: the newest run of each subject, with its iterations (at least the metrics
// threshold_metrics names).
std::vector<ThresholdAlert> threshold_alerts(const core::Config& config,
                                             const std::vector<history::Run>& latest);

} // namespace farm::analysis
