// The report as one JSON document, schema "farm.report/1" (docs/json.md), for other programs:
// every run of every subject with its metric summaries (and every iteration's value when the
// values were loaded), and the comparison when there is one.
//
//   {"schema": "farm.report/1", "database": "...", "generated_at": "...",
//    "subjects": [{"kind", "subject", "runs": [{"run_id", "started_at", "status", "command",
//                  "git": {"commit", "branch", "dirty"},
//                  "metrics": {NAME: {"unit", "count", "median", "mean", "stddev", "min", "max",
//                                     "p95", "ci95_low", "ci95_high", "values"?}}}]}],
//    "comparison": null | {"alpha", "geomean_ratio", "baselines": {SUBJECT: TEXT},
//                          "rows": [{"kind", "subject", "metric", "unit", "baseline_n",
//                                    "candidate_n", "baseline_median", "candidate_median",
//                                    "change_pct", "p_value", "threshold_pct", "verdict"}]}}
//
// Guarantees: runs are oldest first, as in ReportData; "values" is present exactly when the run's
// values were loaded; numbers are written so that they read back as the same doubles; a number
// that is not finite is written as null. "git.commit" is "" for a run outside git. JSON objects
// have no order, so "metrics" and "baselines" come back ordered by name: that order is the only
// thing report_from_json(report_to_json(d)) does not give back.
#pragma once

#include "farm/report/dataset.hpp"

#include <nlohmann/json.hpp>

namespace farm::report {

nlohmann::json report_to_json(const ReportData& report);

// Reads a farm.report/1 document back. Throws farm::UsageError naming the JSON path of the first
// field that is missing or has the wrong type or value ("$.subjects[0].runs[2].status ...").
// A null number reads back as NaN (null change_pct, p_value, geomean_ratio: nullopt).
ReportData report_from_json(const nlohmann::json& document);

} // namespace farm::report
