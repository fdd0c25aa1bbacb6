#include "farm/analysis/suite_thresholds.hpp"

#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cstdio>

namespace farm::analysis {

const char* to_string(CheckVerdict verdict) {
    switch (verdict) {
    case CheckVerdict::pass:
        return "PASS";
    case CheckVerdict::fail:
        return "FAIL";
    case CheckVerdict::skipped:
        return "SKIP";
    }
    return "FAIL";
}

bool subject_matches(const std::string& pattern, const std::string& subject) {
    // Iterative wildcard match with one backtrack point: linear in practice, no recursion.
    std::size_t p = 0, s = 0;
    std::size_t star = std::string::npos, resume = 0;
    while (s < subject.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == subject[s])) {
            ++p;
            ++s;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = s;
        } else if (star != std::string::npos) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

namespace {

std::string number_text(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

std::string limit_words(const core::SuiteThreshold& t) {
    std::string out;
    if (t.max) {
        out += "at most " + number_text(*t.max);
    }
    if (t.min) {
        out += std::string(out.empty() ? "" : " and ") + "at least " + number_text(*t.min);
    }
    return out;
}

double statistic(const std::vector<double>& values, const std::string& stat) {
    if (stat == "mean") {
        return measure::mean(values);
    }
    if (stat == "min" || stat == "max") {
        auto [low, high] = std::minmax_element(values.begin(), values.end());
        return stat == "min" ? *low : *high;
    }
    if (stat.size() == 3 && stat[0] == 'p') {
        return measure::percentile(values, std::stod(stat.substr(1)));
    }
    return measure::median(values);
}

// The share of the run's iterations that failed (a non-zero exit, a failed request).
std::optional<double> error_rate(const history::Run& run) {
    if (run.iterations.empty()) {
        return std::nullopt;
    }
    auto failed =
        std::count_if(run.iterations.begin(), run.iterations.end(),
                      [](const measure::IterationRecord& it) { return it.exit_code != 0; });
    return double(failed) / double(run.iterations.size());
}

CheckResult check_one(const std::string& suite, const core::SuiteThreshold& t,
                      const history::Run& run) {
    CheckResult r;
    r.suite = suite;
    r.subject = run.subject;
    r.metric =
        t.stat == "median" || t.metric == error_rate_metric ? t.metric : t.metric + " " + t.stat;
    r.max = t.max;
    r.min = t.min;
    if (t.metric == error_rate_metric) {
        r.unit = "ratio"; // a share: 0.25 is one in four
        r.value = error_rate(run);
    }
    for (const history::MetricSeries& series : history::series_of(run.iterations)) {
        if (series.name == t.metric && !series.values.empty()) {
            r.unit = series.unit;
            r.value = statistic(series.values, t.stat);
        }
    }
    if (!r.value) {
        r.verdict = CheckVerdict::fail;
        r.message = run.subject + " has no " + t.metric + " measurement";
        return r;
    }
    bool above = t.max && *r.value > *t.max;
    bool below = t.min && *r.value < *t.min;
    r.verdict = (above || below) ? CheckVerdict::fail : CheckVerdict::pass;
    if (r.verdict == CheckVerdict::fail) {
        std::string what = t.metric == error_rate_metric ? t.metric : t.metric + " " + t.stat;
        r.message = what + " " + number_text(*r.value) + " is not " + limit_words(t);
    }
    return r;
}

} // namespace

std::vector<CheckResult> check_suite_thresholds(const std::string& suite,
                                                const std::vector<core::SuiteThreshold>& thresholds,
                                                const std::vector<history::Run>& runs) {
    std::vector<CheckResult> out;
    for (const core::SuiteThreshold& t : thresholds) {
        bool matched = false;
        for (const history::Run& run : runs) {
            if (subject_matches(t.subject, run.subject)) {
                matched = true;
                out.push_back(check_one(suite, t, run));
            }
        }
        if (!matched) {
            CheckResult r;
            r.suite = suite;
            r.subject = t.subject;
            r.metric = t.metric;
            r.max = t.max;
            r.min = t.min;
            r.verdict = CheckVerdict::fail;
            r.message = "no subject of the suite matches '" + t.subject + "'";
            out.push_back(r);
        }
    }
    return out;
}

CheckResult budget_check(const std::string& suite, const BudgetResult& budget) {
    CheckResult r;
    r.suite = suite;
    r.subject = "size:" + budget.budget.path;
    r.metric = std::string(core::to_string(budget.budget.compression)) + "_bytes";
    r.unit = "bytes";
    r.max = double(budget.budget.limit_bytes);
    r.verdict = budget.passed ? CheckVerdict::pass : CheckVerdict::fail;
    if (budget.size.files == 0) {
        r.message = "no file matches " + budget.budget.path;
    } else {
        r.value = double(budget.measured_bytes);
        if (!budget.passed) {
            r.message = "over the budget of " + budget.budget.limit_text;
        }
    }
    return r;
}

bool any_failed(const std::vector<CheckResult>& results) {
    return std::any_of(results.begin(), results.end(),
                       [](const CheckResult& r) { return r.verdict == CheckVerdict::fail; });
}

} // namespace farm::analysis
