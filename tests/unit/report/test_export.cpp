#include "farm/report/export.hpp"

#include "farm/report/export_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

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
    ReportData d{"/srv/perf.db", "2026-11-23T06:00:00.000Z", {}, std::nullopt};
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
