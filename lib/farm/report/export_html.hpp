// The report as ONE self-contained HTML5 page, to open from disk, attach to a CI job or mail.
// In order:
//   <section id="overview">  every subject's latest value against its baseline, the change,
//                             the significance and the verdict (export_html_overview.hpp), and
//                             a table of contents;
//   <section id="projects">  for pnpm project runs: per-package stacked build times and output
//                             sizes (export_html_stacked.hpp), the size budgets drawn;
//   <section id="sweeps">    for AI load sweeps: throughput against latency
//                             (export_html_sweep.hpp);
//   one section per subject  its primary metric's chart, the box plot of the compared runs, the
//                             other metrics and the runs folded (export_html_subject.hpp).
// Every chart's value axis starts at zero or shows a marked break (html_svg.hpp).
//
// Guarantees: the page loads nothing from anywhere: no scripts (it needs none), no external
// stylesheet, font or image, no link or attribute holding a URL; a Content-Security-Policy says
// so to the browser (anything else would be blocked and logged); the style sheet is inline and
// uses the system's fonts. Every text from the data (subjects, commands, branches, metric names,
// the database path) is HTML-escaped (& < > " '), inside the SVG too, so a subject named
// "<script>...</script>" shows as that text. The layout fits a screen 390 pixels wide.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>

namespace farm::report {

std::string report_to_html(const ReportData& report);

} // namespace farm::report
