// One subject's section of the HTML report (<section class="subject" id="subject-N">): its
// primary metric's trend chart (the metric its comparison row compares, else the first one its
// runs recorded) with the config's limits drawn on it, the box plot of the iterations of the
// compared runs (baseline against latest) when the report has a comparison for it, then folded
// (<details>) the charts of its other metrics and the table of its runs.
//
// Guarantees: every text escaped; a failed or interrupted run is never a number (see
// export_html_chart.hpp); the section's id is subject_anchor(index), the overview's link target.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>

namespace farm::report {

std::string subject_section(const ReportData& report, std::size_t index);

} // namespace farm::report
