// The building blocks the parts of the HTML report (export_html*.cpp) share: elements and table
// cells with escaped text, the verdict classes, the anchors that link the overview to each
// subject's section, and the page's style sheet.
//
// Guarantees: every function that takes text from the data escapes it (html_escape); anchors are
// made of the subject's position only ("subject-3"), never of its name, so no name can break
// out of an attribute.
#pragma once

#include "farm/analysis/compare.hpp"
#include "farm/report/dataset.hpp"

#include <string>
#include <vector>

namespace farm::report {

// <tag class="css_class">escaped</tag>; `escaped` is already HTML.
std::string html_element(const char* tag, const std::string& escaped,
                         const char* css_class = nullptr);

// A <td> of text (escaped here).
std::string html_cell(const std::string& text, const char* css_class = nullptr);

std::string html_header_row(const std::vector<std::string>& names);

// printf of one number: "%+.1f%%".
std::string printf_number(const char* format, double value);

// "slower", "faster", "no-change", "not-enough-data": the row classes the style sheet colours.
const char* verdict_class(analysis::Verdict verdict);

// "subject-3": the id of the section of report.subjects[index].
std::string subject_anchor(std::size_t index);

// "build · web": how a subject is named in headings and links (not escaped).
std::string subject_title(const SubjectTrend& subject);

// The comparison row of a subject's primary metric (its first row), or nullptr.
const analysis::MetricComparison* primary_row(const Comparison& comparison,
                                              const SubjectTrend& subject);

// The whole page's CSS, chart_style_sheet() included; system fonts only.
std::string page_style_sheet();

} // namespace farm::report
