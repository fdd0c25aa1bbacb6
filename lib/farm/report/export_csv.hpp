// The report's measurements as CSV (RFC 4180), one value per row, for spreadsheets, pandas and
// R. Columns:
//
//   kind,subject,run_id,started_at,status,git_commit,git_branch,iteration,metric,unit,value
//
// Rows go subject by subject, run by run (oldest first), metric by metric, then value by value:
// `iteration` is the value's position among the run's measured values of that metric, from 0
// (the iteration index, unless an iteration did not measure that metric). A metric whose values
// were not loaded contributes ONE row with `iteration` empty and its median as `value`, so that
// a report loaded without values still exports every run. A non-finite value is written as an
// empty field.
//
// Guarantees: records end with CRLF; a field holding a comma, a double quote, CR or LF is quoted
// (quotes doubled), no other field is; numbers are the shortest text that reads back as the same
// double (exact_number), never locale-dependent; the header is always the first record, even
// for an empty report.
#pragma once

#include "farm/report/dataset.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::report {

std::string report_to_csv(const ReportData& report);
// The same text handed to `write` in pieces of about 64 KiB: a report of millions of values
// never holds its whole CSV (about 80 bytes a value) in memory.
void write_csv(const ReportData& report, const std::function<void(std::string_view)>& write);

// Splits RFC 4180 text into records of fields: quoted fields may hold commas, doubled quotes and
// line breaks; records end with CRLF or LF; a final line break does not start an empty record.
// Throws farm::UsageError, naming the line and column, for a quote inside an unquoted field, text
// after a closing quote, or a quoted field that never ends.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

} // namespace farm::report
