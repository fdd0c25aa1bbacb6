// The limits the project's farm.config.json sets on recorded metrics, as lines the HTML report
// draws on the charts of the subjects they apply to:
//   test.suites[].thresholds  perf:test's max / min on a statistic of a metric, for the subjects
//                             of that suite (a suite that runs a command records one subject, its
//                             name; the other suites' subjects are matched by the glob)
//   ai.thresholds.error_rate  on every AI subject's error_rate
//   ai.thresholds.TYPE.slow_ms on e2e_ms of the AI subjects of providers of that type
//   build.budgets             kind "budget": on the output-size chart of a project (the sum of
//                             its packages), when the budget's compression is the one charted;
//                             a budget covers files, not one package's subject
// The same keys perf:test, perf:ai and perf:build check against: nothing here decides a verdict,
// it only shows where the line is.
#pragma once

#include "farm/core/config.hpp"
#include "farm/report/export_html_chart.hpp"

#include <string>
#include <vector>

namespace farm::report {

struct ConfigLimit {
    std::string kind;    // of the runs it applies to; "" any; "budget" for build.budgets
    std::string subject; // a glob (* and ?) over subjects, or the exact name when `exact`
    bool exact = false;
    std::string metric; // as recorded ("wall_s", "e2e_ms", "error_rate", "brotli_bytes")
    double value = 0;
    std::string label; // "perf:test max (median)"
};

std::vector<ConfigLimit> chart_limits(const core::Config& config);

// The lines for one metric of one subject.
std::vector<LimitLine> limits_for(const std::vector<ConfigLimit>& limits, const std::string& kind,
                                  const std::string& subject, const std::string& metric);

} // namespace farm::report
