#include "farm/report/export_json.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <cmath>
#include <limits>

namespace farm::report {

namespace {

using nlohmann::json;

constexpr const char* schema_name = "farm.report/1";

// nlohmann would write NaN and infinities as null anyway; saying so here keeps the reader's
// "null is NaN" rule next to the writer's.
json number_or_null(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

json optional_number(const std::optional<double>& value) {
    return value ? number_or_null(*value) : json(nullptr);
}

json metric_to_json(const history::MetricSeries& metric) {
    const measure::Summary& s = metric.summary;
    json j = {{"unit", metric.unit},
              {"count", s.count},
              {"median", number_or_null(s.median)},
              {"mean", number_or_null(s.mean)},
              {"stddev", number_or_null(s.stddev)},
              {"min", number_or_null(s.min)},
              {"max", number_or_null(s.max)},
              {"p95", number_or_null(s.p95)},
              {"ci95_low", number_or_null(s.ci95_low)},
              {"ci95_high", number_or_null(s.ci95_high)}};
    if (!metric.values.empty()) {
        json values = json::array();
        for (double value : metric.values) {
            values.push_back(number_or_null(value));
        }
        j["values"] = std::move(values);
    }
    return j;
}

json run_to_json(const history::RunOverview& run) {
    json metrics = json::object();
    for (const history::MetricSeries& metric : run.metrics) {
        metrics[metric.name] = metric_to_json(metric);
    }
    return {
        {"run_id", run.id},
        {"started_at", run.started_at},
        {"status", history::to_string(run.status)},
        {"command", run.command},
        {"git", {{"commit", run.git_commit}, {"branch", run.git_branch}, {"dirty", run.git_dirty}}},
        {"metrics", std::move(metrics)}};
}

json comparison_to_json(const Comparison& comparison) {
    json baselines = json::object();
    for (const auto& [subject, text] : comparison.baselines) {
        baselines[subject] = text;
    }
    json rows = json::array();
    for (const analysis::MetricComparison& row : comparison.rows) {
        rows.push_back({{"kind", row.kind},
                        {"subject", row.subject},
                        {"metric", row.metric},
                        {"unit", row.unit},
                        {"baseline_n", row.baseline_n},
                        {"candidate_n", row.candidate_n},
                        {"baseline_median", number_or_null(row.baseline_median)},
                        {"candidate_median", number_or_null(row.candidate_median)},
                        {"change_pct", optional_number(row.change_pct)},
                        {"p_value", optional_number(row.p_value)},
                        {"threshold_pct", number_or_null(row.threshold_pct)},
                        {"verdict", analysis::to_string(row.verdict)}});
    }
    return {{"alpha", number_or_null(comparison.alpha)},
            {"geomean_ratio", optional_number(comparison.geomean_ratio)},
            {"geomean_rows", comparison.geomean_rows},
            {"baselines", std::move(baselines)},
            {"rows", std::move(rows)}};
}

// Reading: every accessor takes the JSON path of the value it reads, so that the first bad
// field is named exactly in the error.

[[noreturn]] void bad_field(const std::string& path, const std::string& problem) {
    throw UsageError("not a valid " + std::string(schema_name) + " document: " + path + " " +
                     problem);
}

// Schema keys are plain words; keys from the data (metric names, subjects) may hold anything.
std::string key_path(const std::string& path, const std::string& key) {
    bool plain = !key.empty();
    for (char c : key) {
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_');
    }
    return plain ? path + "." + key : path + "[" + json(key).dump() + "]";
}

const json& member(const json& object, const std::string& path, const std::string& key) {
    json::const_iterator it = object.find(key);
    if (it == object.end()) {
        bad_field(key_path(path, key), "is missing");
    }
    return *it;
}

const json& typed(const json& value, const std::string& path, bool ok, const char* expected) {
    if (!ok) {
        bad_field(path, std::string("must be ") + expected + ", not " + value.dump());
    }
    return value;
}

const json& object_at(const json& value, const std::string& path) {
    return typed(value, path, value.is_object(), "an object");
}

const json& array_at(const json& value, const std::string& path) {
    return typed(value, path, value.is_array(), "an array");
}

std::string string_at(const json& value, const std::string& path) {
    return typed(value, path, value.is_string(), "a string").get<std::string>();
}

double number_at(const json& value, const std::string& path) {
    if (value.is_null()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return typed(value, path, value.is_number(), "a number or null").get<double>();
}

std::optional<double> optional_number_at(const json& value, const std::string& path) {
    if (value.is_null()) {
        return std::nullopt;
    }
    return typed(value, path, value.is_number(), "a number or null").get<double>();
}

std::size_t count_at(const json& value, const std::string& path) {
    return typed(value, path, value.is_number_unsigned(), "a whole number of at least 0")
        .get<std::size_t>();
}

// Reads one of the names `to_text` gives the values in `all`: run statuses and verdicts.
template <typename Enum, std::size_t N>
Enum enum_at(const json& value, const std::string& path, const Enum (&all)[N],
             const char* (*to_text)(Enum)) {
    std::string text = string_at(value, path);
    std::string choices;
    for (Enum candidate : all) {
        if (text == to_text(candidate)) {
            return candidate;
        }
        choices += std::string(choices.empty() ? "" : ", ") + "\"" + to_text(candidate) + "\"";
    }
    bad_field(path, "must be one of " + choices + ", not \"" + text + "\"");
}

history::MetricSeries metric_from_json(const json& j, const std::string& path,
                                       const std::string& name) {
    object_at(j, path);
    history::MetricSeries metric;
    metric.name = name;
    metric.unit = string_at(member(j, path, "unit"), path + ".unit");
    measure::Summary& s = metric.summary;
    s.count = count_at(member(j, path, "count"), path + ".count");
    s.median = number_at(member(j, path, "median"), path + ".median");
    s.mean = number_at(member(j, path, "mean"), path + ".mean");
    s.stddev = number_at(member(j, path, "stddev"), path + ".stddev");
    s.min = number_at(member(j, path, "min"), path + ".min");
    s.max = number_at(member(j, path, "max"), path + ".max");
    s.p95 = number_at(member(j, path, "p95"), path + ".p95");
    s.ci95_low = number_at(member(j, path, "ci95_low"), path + ".ci95_low");
    s.ci95_high = number_at(member(j, path, "ci95_high"), path + ".ci95_high");
    if (j.contains("values")) {
        const json& values = array_at(j["values"], path + ".values");
        for (std::size_t i = 0; i < values.size(); ++i) {
            metric.values.push_back(
                number_at(values[i], path + ".values[" + std::to_string(i) + "]"));
        }
    }
    return metric;
}

history::RunOverview run_from_json(const json& j, const std::string& path,
                                   const SubjectTrend& subject) {
    constexpr history::RunStatus statuses[] = {history::RunStatus::ok, history::RunStatus::failed,
                                               history::RunStatus::interrupted};
    object_at(j, path);
    history::RunOverview run;
    run.kind = subject.kind;
    run.subject = subject.subject;
    const json& id = member(j, path, "run_id");
    run.id =
        typed(id, path + ".run_id", id.is_number_integer(), "a whole number").get<std::int64_t>();
    run.started_at = string_at(member(j, path, "started_at"), path + ".started_at");
    run.status =
        enum_at(member(j, path, "status"), path + ".status", statuses, &history::to_string);
    run.command = string_at(member(j, path, "command"), path + ".command");
    std::string git_path = path + ".git";
    const json& git = object_at(member(j, path, "git"), git_path);
    run.git_commit = string_at(member(git, git_path, "commit"), git_path + ".commit");
    run.git_branch = string_at(member(git, git_path, "branch"), git_path + ".branch");
    const json& dirty = member(git, git_path, "dirty");
    run.git_dirty =
        typed(dirty, git_path + ".dirty", dirty.is_boolean(), "true or false").get<bool>();
    std::string metrics_path = path + ".metrics";
    for (const auto& [name, metric] : object_at(member(j, path, "metrics"), metrics_path).items()) {
        run.metrics.push_back(metric_from_json(metric, key_path(metrics_path, name), name));
    }
    return run;
}

analysis::MetricComparison row_from_json(const json& j, const std::string& path) {
    constexpr analysis::Verdict verdicts[] = {analysis::Verdict::slower, analysis::Verdict::faster,
                                              analysis::Verdict::no_change,
                                              analysis::Verdict::not_enough_data};
    object_at(j, path);
    analysis::MetricComparison row;
    row.kind = string_at(member(j, path, "kind"), path + ".kind");
    row.subject = string_at(member(j, path, "subject"), path + ".subject");
    row.metric = string_at(member(j, path, "metric"), path + ".metric");
    row.unit = string_at(member(j, path, "unit"), path + ".unit");
    row.baseline_n = count_at(member(j, path, "baseline_n"), path + ".baseline_n");
    row.candidate_n = count_at(member(j, path, "candidate_n"), path + ".candidate_n");
    row.baseline_median = number_at(member(j, path, "baseline_median"), path + ".baseline_median");
    row.candidate_median =
        number_at(member(j, path, "candidate_median"), path + ".candidate_median");
    row.change_pct = optional_number_at(member(j, path, "change_pct"), path + ".change_pct");
    row.p_value = optional_number_at(member(j, path, "p_value"), path + ".p_value");
    row.threshold_pct = number_at(member(j, path, "threshold_pct"), path + ".threshold_pct");
    row.verdict =
        enum_at(member(j, path, "verdict"), path + ".verdict", verdicts, &analysis::to_string);
    return row;
}

Comparison comparison_from_json(const json& j, const std::string& path) {
    object_at(j, path);
    Comparison comparison;
    comparison.alpha = number_at(member(j, path, "alpha"), path + ".alpha");
    comparison.geomean_ratio =
        optional_number_at(member(j, path, "geomean_ratio"), path + ".geomean_ratio");
    // Absent from reports written before it was added.
    if (j.contains("geomean_rows")) {
        comparison.geomean_rows = std::size_t(number_at(j["geomean_rows"], path + ".geomean_rows"));
    }
    std::string baselines_path = path + ".baselines";
    for (const auto& [subject, text] :
         object_at(member(j, path, "baselines"), baselines_path).items()) {
        comparison.baselines.emplace_back(subject,
                                          string_at(text, key_path(baselines_path, subject)));
    }
    std::string rows_path = path + ".rows";
    const json& rows = array_at(member(j, path, "rows"), rows_path);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        comparison.rows.push_back(
            row_from_json(rows[i], rows_path + "[" + std::to_string(i) + "]"));
    }
    return comparison;
}

// What a subject's runs come to, computed as the terminal report does: the counts of completed,
// failed and interrupted runs, the newest failure, and each metric's trend over completed runs
// only (a failed run is never a baseline).
void add_run_counts(json& item, const SubjectTrend& subject) {
    RunCounts counts = count_runs(subject);
    item["completed_runs"] = counts.completed;
    item["failed_runs"] = counts.failed;
    item["interrupted_runs"] = counts.interrupted;
    item["newest_failure"] = nullptr;
    if (const history::RunOverview* failed = counts.newest_failure) {
        item["newest_failure"] = {{"run_id", failed->id},
                                  {"started_at", failed->started_at},
                                  {"status", history::to_string(failed->status)},
                                  {"reason", failed->failure_reason},
                                  {"message", failed->failure_message.empty()
                                                  ? json(nullptr)
                                                  : json(failed->failure_message)}};
    }
    json trends = json::object();
    for (const MetricTrend& t : completed_trends(subject)) {
        double first = t.medians.front(), last = t.medians.back();
        trends[t.name] = {{"unit", t.unit},
                          {"latest", last},
                          {"median_of_runs", measure::median(t.medians)},
                          {"change_pct", t.medians.size() > 1 && first != 0
                                             ? json((last - first) / std::fabs(first) * 100.0)
                                             : json(nullptr)}};
    }
    item["trend"] = std::move(trends);
}

} // namespace

nlohmann::json report_to_json(const ReportData& report) {
    json subjects = json::array();
    for (const SubjectTrend& subject : report.subjects) {
        json runs = json::array();
        for (const history::RunOverview& run : subject.runs) {
            runs.push_back(run_to_json(run));
        }
        json item = {{"kind", subject.kind}, {"subject", subject.subject}};
        add_run_counts(item, subject);
        item["runs"] = std::move(runs);
        subjects.push_back(std::move(item));
    }
    return {
        {"schema", schema_name},
        {"database", report.database},
        {"generated_at", report.generated_at},
        {"subjects", std::move(subjects)},
        {"comparison", report.comparison ? comparison_to_json(*report.comparison) : json(nullptr)}};
}

ReportData report_from_json(const nlohmann::json& document) {
    const std::string root = "$";
    object_at(document, root);
    std::string schema = string_at(member(document, root, "schema"), "$.schema");
    if (schema != schema_name) {
        bad_field("$.schema",
                  "must be \"" + std::string(schema_name) + "\", not \"" + schema + "\"");
    }
    ReportData report;
    report.database = string_at(member(document, root, "database"), "$.database");
    report.generated_at = string_at(member(document, root, "generated_at"), "$.generated_at");
    const json& subjects = array_at(member(document, root, "subjects"), "$.subjects");
    for (std::size_t i = 0; i < subjects.size(); ++i) {
        std::string path = "$.subjects[" + std::to_string(i) + "]";
        const json& j = object_at(subjects[i], path);
        SubjectTrend subject;
        subject.kind = string_at(member(j, path, "kind"), path + ".kind");
        subject.subject = string_at(member(j, path, "subject"), path + ".subject");
        const json& runs = array_at(member(j, path, "runs"), path + ".runs");
        for (std::size_t r = 0; r < runs.size(); ++r) {
            subject.runs.push_back(
                run_from_json(runs[r], path + ".runs[" + std::to_string(r) + "]", subject));
        }
        if (auto failure = j.find("newest_failure"); failure != j.end() && failure->is_object()) {
            for (history::RunOverview& run : subject.runs) {
                if (run.id == failure->value("run_id", std::int64_t(0))) {
                    run.failure_reason = failure->value("reason", "");
                    if (auto message = failure->find("message");
                        message != failure->end() && message->is_string()) {
                        run.failure_message = message->get<std::string>();
                    }
                }
            }
        }
        report.subjects.push_back(std::move(subject));
    }
    const json& comparison = member(document, root, "comparison");
    if (!comparison.is_null()) {
        report.comparison = comparison_from_json(comparison, "$.comparison");
    }
    return report;
}

} // namespace farm::report
