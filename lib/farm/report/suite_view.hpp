// How `farm perf:test` shows its verdicts: per suite, a table of its checks (subject, metric,
// value, threshold, verdict), the reasons of the failures under it, and a closing count; and
// the JSON document "farm.test/1" (docs/json.md) with the same content. The text fits `width`
// columns (0: no limit): the table drops or stacks columns (table.hpp), the reasons wrap.
#pragma once

#include "farm/analysis/threshold_alerts.hpp"
#include "farm/report/suite_run.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

std::string render_suite_results(const std::vector<SuiteOutcome>& suites, bool color,
                                 std::size_t width = 0);

// "passed", "failed" or "skipped".
const char* suite_status(const SuiteOutcome& suite);

// "<= 300.0 ms", ">= 10.00", "<= 2.000 s, >= 1.000 s": a check's limits in its unit.
std::string threshold_text(const analysis::CheckResult& check);
// Why a check failed, in words and units ("wall time p95 14.57 ms is over the limit of 1.000 ms");
// the check's own message when it failed for another reason (nothing measured).
std::string check_reason(const analysis::CheckResult& check);

// A dashboard alert's finding: a suite check's reason in its unit (check_reason), else the
// finding as the analysis wrote it.
std::string threshold_alert_text(const analysis::ThresholdAlert& alert);

nlohmann::json suite_results_to_json(const std::vector<SuiteOutcome>& suites);

} // namespace farm::report
