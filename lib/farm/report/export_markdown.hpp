// The report as GitHub-flavoured Markdown, for pull-request comments, job summaries
// ($GITHUB_STEP_SUMMARY) and wikis: a title; the comparison when there is one (a table of
// subject | metric | baseline | candidate | change | p | verdict, the geometric mean of the
// ratios, and how each baseline was chosen); then, per subject, its runs newest first with the
// median of each metric.
//
// Guarantees: every text from the data (subjects, branches, database path, metric names) is
// escaped, so it can neither break a table nor turn into markup: `\ | ` * _ [ ]` get a backslash,
// `< > &` become character references, line breaks become spaces. No emoji, no HTML: slower and
// faster verdicts are marked in bold, so the output reads the same as plain text.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>
#include <string_view>

namespace farm::report {

std::string report_to_markdown(const ReportData& report);

// Text made safe for a Markdown paragraph or table cell, as described above.
std::string markdown_escape(std::string_view text);

} // namespace farm::report
