// The first section of the HTML report, <section id="overview">: one table row per subject with
// its latest value against its baseline, the change, the significance (Mann-Whitney p) and the
// verdict, exactly as `farm perf:report --compare` computed them (report.comparison, from
// compare_history: nothing is recomputed here); the geometric mean; how each baseline was chosen;
// and a table of contents that links every subject's section (and the project and AI sweep
// sections when the page has them).
//
// Guarantees: every subject of the report has a row and a link, also one without a completed
// run (verdict "no completed run") or without a comparison ("not compared"); every text escaped.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>
#include <utility>
#include <vector>

namespace farm::report {

// `extra_sections`: {id, title} of further sections to list in the table of contents.
std::string
overview_section(const ReportData& report,
                 const std::vector<std::pair<std::string, std::string>>& extra_sections);

} // namespace farm::report
