// The terminal `farm perf:report`: for each subject and metric asked for (by default its primary
// metric) in the window, the latest run's
// median, the median over the window's runs, the trend (last against first, in %), and a
// sparkline of the run medians (oldest to newest); then the slowest packages, the store hit
// rates of installs, and the failed and interrupted runs. It knows no kind of run: a subject is a
// name and its metrics. Every number reads completed runs only (report::is_completed); failed and
// interrupted runs are counted, and the newest one's reason is shown.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>
#include <vector>

namespace farm::report {

// "▁▃▅█": one bar per value, scaled between the smallest and the largest.
std::string sparkline(const std::vector<double>& values);

// `metrics`: empty shows each subject's primary metric (RunOverview::primary_metric) and says
// how many more there are; {"all"} shows every metric; else the metrics named. `width`: the
// columns to fit (0: no limit).
std::string render_trends(const std::vector<SubjectTrend>& subjects, bool color,
                          std::size_t width = 0, const std::vector<std::string>& metrics = {});

} // namespace farm::report
