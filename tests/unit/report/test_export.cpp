#include "farm/report/export.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"
#include "farm/report/export_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>

using namespace farm::report;

TEST_CASE("report::export_format_for picks the format from the extension") {
    CHECK(export_format_for("report.json") == ExportFormat::json);
    CHECK(export_format_for("out/report.csv") == ExportFormat::csv);
    CHECK(export_format_for("SUMMARY.md") == ExportFormat::markdown);
    CHECK(export_format_for("/tmp/perf.html") == ExportFormat::html);
    CHECK(export_format_for("farm.prom") == ExportFormat::prometheus);
    CHECK(export_format_for("Report.HTML") == ExportFormat::html);

    CHECK_FALSE(export_format_for("report.txt"));
    CHECK_FALSE(export_format_for("report"));
    CHECK_FALSE(export_format_for("report.json.gz"));
    CHECK_FALSE(export_format_for(".json")); // a hidden file named json, without an extension
    CHECK(std::string(supported_export_extensions()) == "json, csv, md, html, prom");
}

TEST_CASE("report::render_export renders each format as a whole file") {
    ReportData d{"/srv/perf.db", "2026-11-23T06:00:00.000Z", {}, std::nullopt, {}};
    std::string json = render_export(ExportFormat::json, d, "ci-1");
    CHECK(nlohmann::json::parse(json) == report_to_json(d));
    for (ExportFormat format :
         {ExportFormat::json, ExportFormat::csv, ExportFormat::markdown, ExportFormat::html}) {
        std::string text = render_export(format, d, "ci-1");
        REQUIRE_FALSE(text.empty());
        CHECK(text.back() == '\n');
    }
    CHECK(render_export(ExportFormat::prometheus, d, "ci-1") == ""); // no subjects, no samples
}

TEST_CASE("report::write_export hands over the same text in pieces, and passes on a failed write") {
    // A run of 20,000 requests: its CSV is over a MB, written in pieces of about 64 KiB.
    farm::history::RunOverview run;
    run.id = 3;
    run.started_at = "2026-11-23T06:00:00.000Z";
    farm::history::MetricSeries ttft;
    ttft.name = "ttft_ms";
    ttft.unit = "ms";
    for (int i = 0; i < 20000; ++i) {
        ttft.values.push_back(10 + (i % 97) / 7.0);
    }
    ttft.summary = farm::measure::summarize(ttft.values);
    run.metrics.push_back(ttft);
    ReportData d{"/srv/perf.db",
                 "2026-11-23T06:00:00.000Z",
                 {{"ai", "local/m/chat_stream", {run}}},
                 std::nullopt,
                 {}};
    for (ExportFormat format : {ExportFormat::json, ExportFormat::csv, ExportFormat::markdown,
                                ExportFormat::html, ExportFormat::prometheus}) {
        CAPTURE(int(format));
        std::string joined;
        std::size_t pieces = 0;
        std::size_t largest = 0;
        write_export(format, d, "ci-1", [&](std::string_view piece) {
            joined.append(piece);
            ++pieces;
            largest = std::max(largest, piece.size());
        });
        std::string whole = render_export(format, d, "ci-1");
        if (format == ExportFormat::json) {
            CHECK(nlohmann::json::parse(joined) == nlohmann::json::parse(whole));
        } else {
            CHECK(joined == whole);
        }
        if (format == ExportFormat::json || format == ExportFormat::csv) {
            CHECK(whole.size() > 300000);
            CHECK(pieces > 4);
            CHECK(largest < 65 * 1024);
        }
    }
    for (ExportFormat format : {ExportFormat::json, ExportFormat::csv}) {
        auto failing = [](std::string_view) { throw farm::UsageError("disk full"); };
        CHECK_THROWS_WITH_AS(write_export(format, d, "ci-1", failing), "disk full",
                             farm::UsageError);
    }
}
