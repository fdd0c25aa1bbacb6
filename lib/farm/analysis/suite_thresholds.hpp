// The checks of `farm perf:test`: each threshold of a suite against the runs the suite just
// made, and each size budget's result, as one list of verdicts (subject, metric, value, limit,
// pass or fail) that the table, the JSON document and the JUnit file all show.
//
// A threshold is checked on a statistic (median by default; mean, p90, p95, p99, min, max) of
// each matching run's iterations (failed iterations included: a run is judged as it was
// recorded), or on the run's error_rate: the share of its iterations that failed. A threshold that
// matches no run, or a metric that no matching run measured, fails: a renamed subject or metric
// must not pass silently.
#pragma once

#include "farm/analysis/budgets.hpp"
#include "farm/core/config.hpp"
#include "farm/history/run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

// The metric name of a threshold on the share of failed iterations.
inline constexpr const char* error_rate_metric = "error_rate";

enum class CheckVerdict { pass, fail, skipped };

const char* to_string(CheckVerdict verdict); // "PASS", "FAIL", "SKIP"

struct CheckResult {
    std::string suite;
    std::string subject;
    std::string metric;
    std::string unit;            // the metric's unit as recorded ("s", "bytes", ...)
    std::optional<double> value; // the run's median; absent when nothing was measured
    std::optional<double> max;
    std::optional<double> min;
    CheckVerdict verdict = CheckVerdict::fail;
    std::string message; // why it failed or was skipped; "" for a pass
};

// `*` (any characters, `/` included) and `?` (one character), over the whole subject.
bool subject_matches(const std::string& pattern, const std::string& subject);

// One result per (threshold, matching run); one failed result for a threshold that matches
// nothing.
std::vector<CheckResult> check_suite_thresholds(const std::string& suite,
                                                const std::vector<core::SuiteThreshold>& thresholds,
                                                const std::vector<history::Run>& runs);

// A size budget as a check: subject "size:PATH", metric "<compression>_bytes".
CheckResult budget_check(const std::string& suite, const BudgetResult& budget);

// True when any result failed.
bool any_failed(const std::vector<CheckResult>& results);

} // namespace farm::analysis
