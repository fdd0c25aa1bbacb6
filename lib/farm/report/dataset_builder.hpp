// Fills a ReportData from the history: the recent runs of each subject in a window, and for
// --compare, each subject's latest run against its baseline.
//
// The baseline of a subject is, in order of preference:
//   --baseline RUN_ID (digits or #digits)  that run, for the subject it belongs to
//   --baseline COMMIT                      the subject's runs recorded on that commit
//   --baseline BRANCH                      the subject's last N runs recorded on that branch
//   (default) the subject's runs on the merge-base of HEAD with the main branch, else its
//   previous N runs (N = baseline_runs). Only runs that completed (status ok) count, and the
//   candidate itself never does.
#pragma once

#include "farm/history/store.hpp"
#include "farm/report/dataset.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct ReportQuery {
    std::optional<std::string> kind;
    std::optional<std::string> subject_glob;
    std::optional<std::string> since; // ISO 8601 UTC
    std::optional<std::string> branch;
    std::size_t last = 10; // runs per subject
    bool with_values = false;
};

std::vector<SubjectTrend> load_trends(history::Store& store, const ReportQuery& query);

struct CompareRequest {
    ReportQuery scope;
    std::optional<std::string> baseline;
    std::size_t baseline_runs = 5;
    std::vector<std::string> metrics; // empty: each subject's primary metric; {"all"}: all
    double alpha = 0.05;
    std::optional<double> threshold_pct; // overrides every kind's noise floor
    std::map<std::string, double> threshold_by_kind;
    std::filesystem::path repository; // where git answers merge-base and commit questions
};

// Throws farm::UsageError when an explicit baseline matches no run at all (saying what it tried).
Comparison compare_history(history::Store& store, const CompareRequest& request);

// Escapes GLOB's special characters so that a subject matches only itself.
std::string glob_literal(const std::string& text);

} // namespace farm::report
