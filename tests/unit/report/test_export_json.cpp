#include "farm/report/export_json.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace farm::report;
using farm::analysis::MetricComparison;
using farm::analysis::Verdict;
using farm::history::MetricSeries;
using farm::history::RunOverview;
using farm::history::RunStatus;
using nlohmann::json;

namespace {

MetricSeries series(const std::string& name, const std::string& unit,
                    const std::vector<double>& values) {
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

// A metric as a report loaded without values has it: the summary only.
MetricSeries summary_only(const std::string& name, const std::string& unit,
                          const std::vector<double>& values) {
    MetricSeries s = series(name, unit, values);
    s.values.clear();
    return s;
}

RunOverview run(std::int64_t id, const std::string& kind, const std::string& subject,
                const std::string& started_at, RunStatus status,
                std::vector<MetricSeries> metrics) {
    RunOverview r;
    r.id = id;
    r.kind = kind;
    r.subject = subject;
    r.command = "pnpm run build --filter \"" + subject + "\"";
    r.started_at = started_at;
    r.status = status;
    r.git_commit = id % 2 ? "3345d6f6a1b2c3d4e5f60718293a4b5c6d7e8f90" : "";
    r.git_branch = id % 2 ? "main" : "";
    r.git_dirty = id == 3;
    r.metrics = std::move(metrics);
    return r;
}

MetricComparison row(const std::string& subject, const std::string& metric, Verdict verdict,
                     std::optional<double> change, std::optional<double> p) {
    MetricComparison c;
    c.kind = "build";
    c.subject = subject;
    c.metric = metric;
    c.unit = "s";
    c.baseline_n = 5;
    c.candidate_n = verdict == Verdict::not_enough_data ? 2 : 7;
    c.baseline_median = 0.9;
    c.candidate_median = 1.1;
    c.change_pct = change;
    c.p_value = p;
    c.threshold_pct = 20;
    c.verdict = verdict;
    return c;
}

ReportData sample_report() {
    ReportData d;
    d.database = "/home/me/app/.farm/perf.db";
    d.generated_at = "2026-11-23T06:00:00.000Z";
    SubjectTrend web{"build", "web", {}};
    web.runs.push_back(run(1, "build", "web", "2026-11-20T10:00:00.000Z", RunStatus::ok,
                           {series("wall_s", "s", {0.1, 1.0 / 3, 0.30000000000000004}),
                            series("max_rss_bytes", "bytes", {61865984, 61870080, 6.02e23})}));
    web.runs.push_back(run(2, "build", "web", "2026-11-21T10:00:00.000Z", RunStatus::failed,
                           {summary_only("wall_s", "s", {0.5, 0.7})}));
    web.runs.push_back(run(3, "build", "web", "2026-11-22T10:00:00.123Z", RunStatus::interrupted,
                           {series("wall_s", "s", {1e-7})}));
    SubjectTrend warm{"install", "install:warm", {}};
    warm.runs.push_back(
        run(4, "install", "install:warm", "2026-11-22T11:00:00.000Z", RunStatus::ok,
            {series("wall_s", "s", {2.5, 2.25}), series("store_hit_rate", "%", {85, 90.5})}));
    d.subjects = {web, warm};
    Comparison c;
    c.rows = {row("web", "wall_s", Verdict::slower, 22.2, 0.008),
              row("web", "user_s", Verdict::faster, -30.5, 0.0004),
              row("install:warm", "wall_s", Verdict::no_change, std::nullopt, 0.41),
              row("install:warm", "store_hit_rate", Verdict::not_enough_data, 1.5, std::nullopt)};
    c.baselines = {{"install:warm", "merge-base 1a2b3c4 of HEAD and main (3 runs)"},
                   {"web", "the previous 5 runs"}};
    c.geomean_ratio = 1.05;
    c.geomean_rows = 2;
    c.alpha = 0.01;
    d.comparison = c;
    return d;
}

void check_same_metric(const MetricSeries& a, const MetricSeries& b) {
    CHECK(a.name == b.name);
    CHECK(a.unit == b.unit);
    CHECK(a.values == b.values);
    CHECK(a.summary.count == b.summary.count);
    CHECK(a.summary.median == b.summary.median);
    CHECK(a.summary.mean == b.summary.mean);
    CHECK(a.summary.stddev == b.summary.stddev);
    CHECK(a.summary.min == b.summary.min);
    CHECK(a.summary.max == b.summary.max);
    CHECK(a.summary.p95 == b.summary.p95);
    CHECK(a.summary.ci95_low == b.summary.ci95_low);
    CHECK(a.summary.ci95_high == b.summary.ci95_high);
}

void check_same_run(const RunOverview& a, const RunOverview& b) {
    CHECK(a.id == b.id);
    CHECK(a.kind == b.kind);
    CHECK(a.subject == b.subject);
    CHECK(a.command == b.command);
    CHECK(a.started_at == b.started_at);
    CHECK(a.status == b.status);
    CHECK(a.git_commit == b.git_commit);
    CHECK(a.git_branch == b.git_branch);
    CHECK(a.git_dirty == b.git_dirty);
    REQUIRE(a.metrics.size() == b.metrics.size());
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        check_same_metric(a.metrics[i], b.metrics[i]);
    }
}

void check_same(const ReportData& a, const ReportData& b) {
    CHECK(a.database == b.database);
    CHECK(a.generated_at == b.generated_at);
    REQUIRE(a.subjects.size() == b.subjects.size());
    for (std::size_t s = 0; s < a.subjects.size(); ++s) {
        CHECK(a.subjects[s].kind == b.subjects[s].kind);
        CHECK(a.subjects[s].subject == b.subjects[s].subject);
        REQUIRE(a.subjects[s].runs.size() == b.subjects[s].runs.size());
        for (std::size_t r = 0; r < a.subjects[s].runs.size(); ++r) {
            check_same_run(a.subjects[s].runs[r], b.subjects[s].runs[r]);
        }
    }
    REQUIRE(a.comparison.has_value() == b.comparison.has_value());
    if (!a.comparison) {
        return;
    }
    const Comparison& x = *a.comparison;
    const Comparison& y = *b.comparison;
    CHECK(x.alpha == y.alpha);
    CHECK(x.geomean_ratio == y.geomean_ratio);
    CHECK(x.geomean_rows == y.geomean_rows);
    CHECK(x.baselines == y.baselines);
    REQUIRE(x.rows.size() == y.rows.size());
    for (std::size_t i = 0; i < x.rows.size(); ++i) {
        CHECK(x.rows[i].kind == y.rows[i].kind);
        CHECK(x.rows[i].subject == y.rows[i].subject);
        CHECK(x.rows[i].metric == y.rows[i].metric);
        CHECK(x.rows[i].unit == y.rows[i].unit);
        CHECK(x.rows[i].baseline_n == y.rows[i].baseline_n);
        CHECK(x.rows[i].candidate_n == y.rows[i].candidate_n);
        CHECK(x.rows[i].baseline_median == y.rows[i].baseline_median);
        CHECK(x.rows[i].candidate_median == y.rows[i].candidate_median);
        CHECK(x.rows[i].change_pct == y.rows[i].change_pct);
        CHECK(x.rows[i].p_value == y.rows[i].p_value);
        CHECK(x.rows[i].threshold_pct == y.rows[i].threshold_pct);
        CHECK(x.rows[i].verdict == y.rows[i].verdict);
    }
}

// JSON objects have no order: metrics come back by name, as the header says.
ReportData in_name_order(ReportData d) {
    for (SubjectTrend& subject : d.subjects) {
        for (RunOverview& r : subject.runs) {
            std::stable_sort(
                r.metrics.begin(), r.metrics.end(),
                [](const MetricSeries& a, const MetricSeries& b) { return a.name < b.name; });
        }
    }
    return d;
}

std::string error_of(const json& document) {
    try {
        report_from_json(document);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("report::report_to_json writes the farm.report/1 schema") {
    json j = report_to_json(sample_report());
    CHECK(j["schema"] == "farm.report/1");
    CHECK(j["database"] == "/home/me/app/.farm/perf.db");
    CHECK(j["generated_at"] == "2026-11-23T06:00:00.000Z");
    REQUIRE(j["subjects"].size() == 2);
    const json& first = j["subjects"][0]["runs"][0];
    CHECK(j["subjects"][0]["kind"] == "build");
    CHECK(first["run_id"] == 1);
    CHECK(first["status"] == "ok");
    CHECK(first["git"] == json{{"commit", "3345d6f6a1b2c3d4e5f60718293a4b5c6d7e8f90"},
                               {"branch", "main"},
                               {"dirty", false}});
    CHECK(first["metrics"]["wall_s"]["unit"] == "s");
    CHECK(first["metrics"]["wall_s"]["count"] == 3);
    CHECK(first["metrics"]["wall_s"]["values"].size() == 3);
    CHECK(first["metrics"]["max_rss_bytes"]["max"] == 6.02e23);
    // Values are written only when they were loaded.
    CHECK_FALSE(j["subjects"][0]["runs"][1]["metrics"]["wall_s"].contains("values"));
    CHECK(j["subjects"][0]["runs"][1]["status"] == "failed");

    const json& comparison = j["comparison"];
    CHECK(comparison["alpha"] == 0.01);
    CHECK(comparison["geomean_ratio"] == 1.05);
    CHECK(comparison["geomean_rows"] == 2);
    CHECK(comparison["baselines"]["web"] == "the previous 5 runs");
    REQUIRE(comparison["rows"].size() == 4);
    CHECK(comparison["rows"][0]["verdict"] == "slower");
    CHECK(comparison["rows"][1]["verdict"] == "faster");
    CHECK(comparison["rows"][2]["verdict"] == "no change");
    CHECK(comparison["rows"][3]["verdict"] == "not enough data");
    CHECK(comparison["rows"][2]["change_pct"].is_null());
    CHECK(comparison["rows"][3]["p_value"].is_null());
    CHECK(comparison["rows"][0]["change_pct"] == 22.2);

    ReportData without = sample_report();
    without.comparison.reset();
    CHECK(report_to_json(without)["comparison"].is_null());
}

TEST_CASE("report::report_from_json reads back exactly what report_to_json wrote") {
    ReportData original = sample_report();
    json written = report_to_json(original);
    ReportData read = report_from_json(written);
    check_same(in_name_order(original), read);
    CHECK(report_to_json(read).dump() == written.dump());

    // Through text too, as a file would go: numbers keep every bit.
    ReportData reparsed = report_from_json(json::parse(written.dump(2)));
    check_same(in_name_order(original), reparsed);
    CHECK(report_to_json(reparsed).dump(2) == written.dump(2));

    ReportData empty;
    check_same(empty, report_from_json(report_to_json(empty)));
}

TEST_CASE("report::report_from_json names the JSON path of a bad field") {
    json good = report_to_json(sample_report());

    json bad_status = good;
    bad_status["subjects"][0]["runs"][1]["status"] = "crashed";
    CHECK(error_of(bad_status) ==
          "not a valid farm.report/1 document: $.subjects[0].runs[1].status must be one of "
          "\"ok\", \"failed\", \"interrupted\", not \"crashed\"");

    json missing = good;
    missing["subjects"][1]["runs"][0]["metrics"]["store_hit_rate"].erase("median");
    CHECK(error_of(missing) == "not a valid farm.report/1 document: "
                               "$.subjects[1].runs[0].metrics.store_hit_rate.median is missing");

    json wrong_type = good;
    wrong_type["comparison"]["rows"][2]["baseline_n"] = "five";
    CHECK(error_of(wrong_type) == "not a valid farm.report/1 document: "
                                  "$.comparison.rows[2].baseline_n must be a whole number of at "
                                  "least 0, not \"five\"");

    json odd_name = good;
    odd_name["subjects"][0]["runs"][0]["metrics"]["wall time"] = 3;
    CHECK(error_of(odd_name) == "not a valid farm.report/1 document: "
                                "$.subjects[0].runs[0].metrics[\"wall time\"] must be an "
                                "object, not 3");

    json bad_verdict = good;
    bad_verdict["comparison"]["rows"][0]["verdict"] = "worse";
    CHECK(error_of(bad_verdict)
              .find("$.comparison.rows[0].verdict must be one of \"slower\", "
                    "\"faster\", \"no change\", \"not enough data\"") != std::string::npos);

    json other_schema = good;
    other_schema["schema"] = "farm.report.recent/1";
    CHECK(error_of(other_schema) == "not a valid farm.report/1 document: $.schema must be "
                                    "\"farm.report/1\", not \"farm.report.recent/1\"");

    CHECK(error_of(json::array()) ==
          "not a valid farm.report/1 document: $ must be an object, not []");
    CHECK(error_of(json::object()) == "not a valid farm.report/1 document: $.schema is missing");
}
