// The report as ONE self-contained HTML5 page, to open from disk, attach to a CI job or mail:
// per subject, a trend chart (inline SVG, export_html_chart.hpp) of each metric's run medians
// and a table of its runs; and, when there is a comparison, a table coloured by verdict
// (slower red, faster green, no change grey, not enough data uncoloured).
//
// Guarantees: the page loads nothing from anywhere: no scripts (it needs none), no external
// stylesheet, font or image, no link or attribute holding a URL; the style sheet is inline and
// uses the system's fonts. Every text from the data (subjects, commands, branches, metric names,
// the database path) is HTML-escaped (& < > " '), inside the SVG too, so a subject named
// "<script>...</script>" shows as that text. There is exactly one <svg> per chart: one per metric
// that a subject's runs measured.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>

namespace farm::report {

std::string report_to_html(const ReportData& report);

} // namespace farm::report
