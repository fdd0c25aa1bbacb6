#include "farm/report/export_prometheus.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"
#include "support/report_text.hpp"

#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace farm::report;
using farm::history::MetricSeries;
using farm::history::RunOverview;
using farm::history::RunStatus;

using farm::test::lines_of;

namespace {

MetricSeries series(const std::string& name, const std::string& unit,
                    const std::vector<double>& values) {
    return MetricSeries{name, unit, values, farm::measure::summarize(values)};
}

RunOverview run(const std::string& started_at, RunStatus status,
                std::vector<MetricSeries> metrics) {
    RunOverview r;
    r.started_at = started_at;
    r.status = status;
    r.metrics = std::move(metrics);
    return r;
}

ReportData small_report() {
    ReportData d;
    SubjectTrend web{"build", "web", {}};
    // Only the latest completed run counts: this older failed one must not show.
    web.runs.push_back(
        run("2026-11-20T10:00:00.000Z", RunStatus::failed, {series("wall_s", "s", {9.0})}));
    web.runs.push_back(
        run("2026-11-23T05:57:50.123Z", RunStatus::ok,
            {series("wall_s", "s", {1.5, 2.5}), series("max_rss_bytes", "bytes", {1048576}),
             series("user_s", "s", {0.25})}));
    SubjectTrend warm{"install", "install:warm", {}};
    warm.runs.push_back(run("2026-11-22T00:00:00Z", RunStatus::interrupted,
                            {series("wall_s", "s", {3}), series("store_hit_rate", "%", {85})}));
    d.subjects = {web, warm};
    return d;
}

} // namespace

TEST_CASE("report::report_to_prometheus writes the latest run of each subject as gauges") {
    const char* help =
        " of the latest completed build run of each subject: the median over its iterations "
        "(farm metric ";
    std::string expected =
        std::string("# HELP farm_build_duration_seconds wall time") + help + "wall_s, unit s)\n" +
        "# TYPE farm_build_duration_seconds gauge\n"
        "farm_build_duration_seconds{subject=\"web\",host=\"ci-1\"} 2\n"
        "# HELP farm_build_max_rss_bytes max RSS (largest process)" +
        help +
        "max_rss_bytes, unit bytes)\n"
        "# TYPE farm_build_max_rss_bytes gauge\n"
        "farm_build_max_rss_bytes{subject=\"web\",host=\"ci-1\"} 1048576\n"
        "# HELP farm_build_user_seconds user CPU" +
        help +
        "user_s, unit s)\n"
        "# TYPE farm_build_user_seconds gauge\n"
        "farm_build_user_seconds{subject=\"web\",host=\"ci-1\"} 0.25\n"
        // install:warm's only run was interrupted: no gauge holds its numbers.
        "# HELP farm_run_timestamp_seconds Start of the latest run of each subject, Unix time in "
        "seconds\n"
        "# TYPE farm_run_timestamp_seconds gauge\n"
        "farm_run_timestamp_seconds{kind=\"build\",subject=\"web\",host=\"ci-1\"} "
        "1795413470.123\n"
        "farm_run_timestamp_seconds{kind=\"install\",subject=\"install:warm\",host=\"ci-1\"} "
        "1795305600\n"
        "# HELP farm_run_ok 1 when the latest run of each subject finished ok, else 0\n"
        "# TYPE farm_run_ok gauge\n"
        "farm_run_ok{kind=\"build\",subject=\"web\",host=\"ci-1\"} 1\n"
        "farm_run_ok{kind=\"install\",subject=\"install:warm\",host=\"ci-1\"} 0\n";
    CHECK(report_to_prometheus(small_report(), "ci-1") == expected);
    CHECK(report_to_prometheus(ReportData{}, "ci-1") == "");
}

TEST_CASE("report::report_to_prometheus escapes label values") {
    ReportData d = small_report();
    d.subjects[0].subject = "say \"hi\"\\now\nthen";
    std::string text = report_to_prometheus(d, "host\"1\\");
    CHECK(text.find("farm_build_duration_seconds{subject=\"say \\\"hi\\\"\\\\now\\nthen\","
                    "host=\"host\\\"1\\\\\"} 2\n") != std::string::npos);
    for (const std::string& line : lines_of(text)) {
        CHECK(line.find('\n') == std::string::npos);
    }
}

TEST_CASE("report::report_to_prometheus groups families, one TYPE each, with valid names") {
    ReportData d = small_report();
    SubjectTrend api{"build", "api", {}};
    api.runs.push_back(run("2026-11-23T06:00:00.000Z", RunStatus::ok,
                           {series("wall_s", "s", {4}), series("peak-heap (MiB)", "MiB", {12}),
                            series("peak_heap__MiB_", "MiB", {13})}));
    d.subjects.push_back(api);
    std::vector<std::string> lines = lines_of(report_to_prometheus(d, "ci-1"));

    const std::regex name_pattern("[a-zA-Z_:][a-zA-Z0-9_:]*");
    std::map<std::string, int> type_lines;
    std::set<std::string> finished; // families whose samples have ended
    std::string current;
    for (const std::string& line : lines) {
        if (line.rfind("# HELP ", 0) == 0) {
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            std::string name = line.substr(7, line.find(' ', 7) - 7);
            CHECK(line == "# TYPE " + name + " gauge");
            ++type_lines[name];
            if (!current.empty()) {
                finished.insert(current);
            }
            current = name;
            continue;
        }
        std::string name = line.substr(0, line.find('{'));
        CHECK_MESSAGE(std::regex_match(name, name_pattern), line);
        CHECK_MESSAGE(name == current, "a sample outside its family's group: " << line);
        CHECK(finished.count(name) == 0);
    }
    for (const auto& [name, count] : type_lines) {
        CHECK_MESSAGE(count == 1, name);
    }
    // Both build subjects share a family; the colliding names give one series, the first.
    std::string text = report_to_prometheus(d, "ci-1");
    CHECK(text.find("farm_build_duration_seconds{subject=\"web\",host=\"ci-1\"} 2\n"
                    "farm_build_duration_seconds{subject=\"api\",host=\"ci-1\"} 4\n") !=
          std::string::npos);
    CHECK(text.find("farm_build_peak_heap__MiB_{subject=\"api\",host=\"ci-1\"} 12\n#") !=
          std::string::npos);
}

TEST_CASE("report::prometheus_name follows Prometheus's naming conventions") {
    CHECK(prometheus_name("build", "wall_s", "s") == "farm_build_duration_seconds");
    CHECK(prometheus_name("build", "user_s", "s") == "farm_build_user_seconds");
    CHECK(prometheus_name("install", "resolution_s", "s") == "farm_install_resolution_seconds");
    CHECK(prometheus_name("dev", "ready", "s") == "farm_dev_ready_seconds");
    CHECK(prometheus_name("dev", "ready_seconds", "s") == "farm_dev_ready_seconds");
    CHECK(prometheus_name("install", "store_hit_rate", "%") == "farm_install_store_hit_ratio");
    CHECK(prometheus_name("ai", "cache_share", "%") == "farm_ai_cache_share_ratio");
    CHECK(prometheus_name("ai", "generated", "%") == "farm_ai_generated_ratio");
    CHECK(prometheus_name("build", "max_rss_bytes", "bytes") == "farm_build_max_rss_bytes");
    CHECK(prometheus_name("size", "gzip", "bytes") == "farm_size_gzip_bytes");
    CHECK(prometheus_name("build", "cpu_cores", "cores") == "farm_build_cpu_cores");
    CHECK(prometheus_name("my-kind", "tokens/s", "count") == "farm_my_kind_tokens_s");
}

TEST_CASE("report::unix_seconds reads farm's ISO 8601 UTC times") {
    CHECK(unix_seconds("1970-01-01T00:00:00Z") == 0);
    CHECK(unix_seconds("2026-11-23T05:57:50.123Z") == 1795413470.123);
    CHECK(unix_seconds("2000-02-29T12:00:00.5") == 951825600.5);
    CHECK(unix_seconds("2026-11-22 00:00:00Z") == 1795305600);
    CHECK_THROWS_AS(unix_seconds(""), farm::Error);
    CHECK_THROWS_AS(unix_seconds("2026-11-23"), farm::Error);
    CHECK_THROWS_AS(unix_seconds("2026-13-01T00:00:00Z"), farm::Error);
    CHECK_THROWS_AS(unix_seconds("2026-11-23T05:57:50.Z"), farm::Error);
    CHECK_THROWS_AS(unix_seconds("2026-11-23T05:57:50+01:00"), farm::Error);

    ReportData d = small_report();
    d.subjects[1].runs[0].started_at = "yesterday";
    CHECK_THROWS_AS(report_to_prometheus(d, "ci-1"), farm::Error);
}
