#include "farm/report/suite_view.hpp"

#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

namespace farm::report {

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return count_of(n, one, many);
}

// PASS green, FAIL red (when color), SKIP as it is: the colour rule of table.hpp.
std::string verdict_text(analysis::CheckVerdict verdict, bool color) {
    std::string text = analysis::to_string(verdict);
    switch (verdict) {
    case analysis::CheckVerdict::pass:
        return paint(text, Tone::good, color);
    case analysis::CheckVerdict::fail:
        return paint(text, Tone::bad, color);
    default:
        return text;
    }
}

nlohmann::json value_or_null(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

const char* suite_status(const SuiteOutcome& suite) {
    if (suite.skipped()) {
        return "skipped";
    }
    return suite.failed() ? "failed" : "passed";
}

std::string render_suite_results(const std::vector<SuiteOutcome>& suites, bool color,
                                 std::size_t width) {
    if (suites.empty()) {
        return "No suites: add test.suites to farm.config.json (docs/config.md, \"test\").\n";
    }
    std::string out;
    std::size_t passed = 0, failed = 0, skipped_suites = 0, failed_jobs = 0;
    for (const SuiteOutcome& s : suites) {
        std::string heading = "suite " + s.name + " (" + s.kind + ")";
        if (s.skipped()) {
            out += wrap_text(heading + ": SKIP, " + s.job.skip_reason, width, 4) + "\n\n";
            ++skipped_suites;
            continue;
        }
        out += wrap_text(heading + " · " + format_value(s.duration_s, "s"), width, 4) + "\n";
        bool job_failed = s.job.outcome != measure::Outcome::completed;
        if (job_failed) {
            out += "  " + paint("FAIL", Tone::bad, color) +
                   "  the job did not complete: " + s.job.failure + "\n";
            ++failed_jobs;
        }
        if (s.checks.empty()) {
            out += job_failed ? "\n" : "  no thresholds or budgets: nothing to check\n\n";
            continue;
        }
        Table table({"subject", "metric", "value", "threshold", "verdict"});
        std::vector<std::string> reasons;
        for (const analysis::CheckResult& c : s.checks) {
            table.add_row({c.subject, c.metric, c.value ? format_value(*c.value, c.unit) : "-",
                           threshold_text(c), verdict_text(c.verdict, color)});
            if (c.verdict == analysis::CheckVerdict::fail) {
                ++failed;
                reasons.push_back(c.subject + ": " + check_reason(c));
            } else if (c.verdict == analysis::CheckVerdict::pass) {
                ++passed;
            }
        }
        out += table.render(color, width);
        for (const std::string& reason : reasons) {
            out +=
                wrap_text("  " + paint("FAIL", Tone::bad, color) + " " + reason, width, 5) + "\n";
        }
        out += "\n";
    }
    out += plural(passed + failed, "check", "checks") + ": " + std::to_string(passed) +
           " passed, " + std::to_string(failed) + " failed";
    if (failed_jobs > 0) {
        out += "; " + plural(failed_jobs, "job", "jobs") + " failed";
    }
    if (skipped_suites > 0) {
        out += "; " + plural(skipped_suites, "suite", "suites") + " skipped";
    }
    return out + "\n";
}

nlohmann::json suite_results_to_json(const std::vector<SuiteOutcome>& suites) {
    nlohmann::json doc;
    doc["schema"] = "farm.test/1";
    bool passed = true;
    doc["suites"] = nlohmann::json::array();
    for (const SuiteOutcome& s : suites) {
        passed = passed && !s.failed();
        nlohmann::json suite;
        suite["name"] = s.name;
        suite["kind"] = s.kind;
        suite["status"] = suite_status(s);
        suite["reason"] = s.skipped() ? s.job.skip_reason : s.job.failure;
        suite["duration_s"] = s.duration_s;
        suite["run_ids"] = nlohmann::json::array();
        for (const history::Run& run : s.job.runs) {
            if (run.id != 0) {
                suite["run_ids"].push_back(run.id);
            }
        }
        suite["checks"] = nlohmann::json::array();
        for (const analysis::CheckResult& c : s.checks) {
            suite["checks"].push_back({{"subject", c.subject},
                                       {"metric", c.metric},
                                       {"unit", c.unit},
                                       {"value", value_or_null(c.value)},
                                       {"max", value_or_null(c.max)},
                                       {"min", value_or_null(c.min)},
                                       {"verdict", analysis::to_string(c.verdict)},
                                       {"message", check_reason(c)}});
        }
        doc["suites"].push_back(suite);
    }
    doc["passed"] = passed;
    return doc;
}

std::string check_reason(const analysis::CheckResult& c) {
    if (c.verdict != analysis::CheckVerdict::fail || !c.value || (!c.max && !c.min)) {
        return c.message;
    }
    // "wall_s p95" -> "wall time p95", with the value and the limit in the metric's unit.
    std::size_t space = c.metric.find(' ');
    std::string what = metric_label(c.metric.substr(0, space)) +
                       (space == std::string::npos ? "" : c.metric.substr(space));
    std::string value = format_value(*c.value, c.unit);
    if (c.max && *c.value > *c.max) {
        return what + " " + value + " is over the limit of " + format_value(*c.max, c.unit);
    }
    if (c.min && *c.value < *c.min) {
        return what + " " + value + " is under the minimum of " + format_value(*c.min, c.unit);
    }
    return c.message;
}

std::string threshold_alert_text(const analysis::ThresholdAlert& alert) {
    return alert.check ? check_reason(*alert.check) : alert.finding;
}

std::string threshold_text(const analysis::CheckResult& c) {
    std::string out;
    if (c.max) {
        out += "<= " + format_value(*c.max, c.unit);
    }
    if (c.min) {
        out += std::string(out.empty() ? "" : ", ") + ">= " + format_value(*c.min, c.unit);
    }
    return out;
}

} // namespace farm::report
