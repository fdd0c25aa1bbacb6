// The `farm perf` dashboard on one screen, in three sections:
//   System          meters: CPU busy (and each core) with the load average, memory, disk of the
//                   project's file system and its I/O rates, each GPU
//   Latest results  each subject's newest run: its primary metric (the first one recorded), the
//                   trend over the window (newest against oldest run) and a sparkline
//   Alerts          every size budget the project breaches now, every threshold the newest runs
//                   breach (test suites, thresholds.dev), and the HIGH and MEDIUM advice of the
//                   history (optimize:build and optimize:ai rules), most urgent first
// rendered as terminal text (colour on request) or as the JSON document "farm.dashboard/1"
// (docs/json.md). The data is gathered by the command; nothing here reads the machine.
#pragma once

#include "farm/analysis/budgets.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/analysis/threshold_alerts.hpp"
#include "farm/report/dataset.hpp"
#include "farm/sys/nvml.hpp"
#include "farm/sys/system_metrics.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

struct DashboardData {
    std::string generated_at; // ISO 8601 UTC
    std::string host;
    sys::SystemSnapshot system;
    std::vector<double> cpu_history_pct; // CPU busy of the frames so far, oldest first (--watch)
    std::vector<sys::GpuReading> gpus;
    std::string gpu_unavailable; // why there is no GPU line ("" when NVML answered)
    std::string database;
    bool have_history = false;
    std::vector<SubjectTrend> subjects;
    std::vector<analysis::BudgetResult> budgets;         // all checked, breached or not
    std::vector<analysis::ThresholdAlert> thresholds;    // breaches only
    std::vector<analysis::Recommendation> alerts_advice; // HIGH and MEDIUM only
};

// Keeps the HIGH and MEDIUM recommendations, in priority order.
std::vector<analysis::Recommendation>
urgent_advice(std::vector<analysis::Recommendation> recommendations);

// The text `farm perf` prints once (piped, or without --watch), fitted to `width` columns (0: no
// limit; the meters are then those of an 80-column frame). Its System section is the meters of
// the monitor's first frame (dashboard_screen.hpp's dashboard_meters), two spaces in.
std::string render_dashboard(const DashboardData& data, bool color, std::size_t width = 0);

// The metric a subject is shown by: the newest completed run's primary metric (RunOverview::
// primary_metric: wall_s for builds, brotli bytes for sizes); nullptr when no run completed (a
// failed run's numbers are not a measurement).
const history::MetricSeries* dashboard_primary_metric(const SubjectTrend& subject);

// The run medians of `metric` over the subject's completed runs, oldest first.
std::vector<double> dashboard_medians(const SubjectTrend& subject, const std::string& metric);

nlohmann::json dashboard_to_json(const DashboardData& data);

} // namespace farm::report
