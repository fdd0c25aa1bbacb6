// What the export renderers (export_*.cpp) share, so that every format writes a number, a
// commit, a date or a subject's list of metrics the same way. Pure functions of their inputs:
// nothing here reads the clock, the locale or the environment, so exports are reproducible.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace farm::report {

// The shortest decimal text that reads back (std::from_chars, strtod, Python's float) as exactly
// `value`: "0.1", "1e-07", "61865984". "nan", "inf" and "-inf" for non-finite values; callers
// whose format spells those differently check std::isfinite first.
std::string exact_number(double value);

// & < > " ' as character references, so that any text from the data is inert in HTML text, in
// attribute values (single- or double-quoted) and in inline SVG.
std::string html_escape(std::string_view text);

// The names of the metrics the runs of a subject measured, in order of first appearance (so the
// primary metric, the first one farm records, comes first).
std::vector<std::string> metric_names(const SubjectTrend& subject);

// "1a2b3c4d+ main": the commit abbreviated to 8 digits, "+" when the tree was dirty, then the
// branch; "" for a run outside git.
std::string git_label(const history::RunOverview& run);

// "2026-11-23 05:57" from "2026-11-23T05:57:50.123Z": minutes are precise enough to tell runs
// apart in a table, and the text is the same on every machine (always UTC, no locale).
std::string short_time(const std::string& iso8601);

} // namespace farm::report
