// The latest state of each subject in the Prometheus text exposition format 0.0.4, for a
// node_exporter textfile collector or a Pushgateway: for every subject, its LATEST run (the last
// of its runs in the report) as gauges.
//
// Mapping, from a run's metric NAME with unit UNIT to a family name, `farm_<kind>_<name'>`:
//   wall_s                      -> farm_<kind>_duration_seconds
//   UNIT "s", NAME ends in _s   -> _s becomes _seconds (user_s -> farm_build_user_seconds);
//                                  other names in seconds get _seconds appended
//   UNIT "%"                    -> the value is divided by 100 (a 0-1 ratio, Prometheus's base
//                                  unit); the word "rate" becomes "ratio" (store_hit_rate ->
//                                  farm_install_store_hit_ratio), else _ratio is appended
//   UNIT "bytes"                -> _bytes kept (appended when missing)
//   other units                 -> the name as it is
// then every character outside [a-zA-Z0-9_:] becomes "_". Each sample is the run's MEDIAN over
// its iterations, labelled {subject="...", host="..."}.
// Two more families, labelled {kind="...", subject="...", host="..."}:
//   farm_run_timestamp_seconds  the latest run's start, Unix time (milliseconds kept)
//   farm_run_ok                 1 when the latest run's status is ok, else 0
//
// Guarantees: one "# HELP" and one "# TYPE <name> gauge" line per family, followed by all of that
// family's samples (families in order of first appearance, the two run families last); label
// values escape \ " and newline as \\ \" \n; values are exact (the shortest text that reads
// back as the same double; NaN, +Inf, -Inf spelled as Prometheus does); no timestamps on the
// samples (the collector's scrape time applies); no duplicate series (a metric whose name
// collides with an earlier one of the same subject after the mapping is left out, as a scrape
// would reject the whole file); the text ends with a newline. Throws farm::Error for a run whose
// start time is not ISO 8601 UTC (farm never writes one).
#pragma once

#include "farm/report/dataset.hpp"

#include <string>

namespace farm::report {

std::string report_to_prometheus(const ReportData& report, const std::string& host);

// The family name of a metric, as described above (without the value conversion).
std::string prometheus_name(const std::string& kind, const std::string& metric,
                            const std::string& unit);

// "2026-11-23T05:57:50.123Z" -> 1795413470.123. Throws farm::Error for other text.
double unix_seconds(const std::string& iso8601);

} // namespace farm::report
