// Which export a file name asks for, and the one entry point that renders it: the report
// command writes `--export FILE` through these two functions, whatever the format. Each format
// has its own module (export_json, export_csv, export_markdown, export_html, export_prometheus),
// all of them renderers of the same ReportData.
//
// Guarantees: the extension alone picks the format (case does not matter: .HTML is html); the
// list the error message shows, supported_export_extensions(), is the list export_format_for
// accepts; render_export returns the whole file's text, ending with a newline (Prometheus text
// of a report without runs is empty: no samples).
#pragma once

#include "farm/report/dataset.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace farm::report {

enum class ExportFormat { json, csv, markdown, html, prometheus };

// .json .csv .md .html .prom; nullopt for any other extension and for none.
std::optional<ExportFormat> export_format_for(const std::filesystem::path& file);

// "json, csv, md, html, prom": for "cannot export to X: use one of ...".
const char* supported_export_extensions();

// `host` labels the Prometheus samples; the other formats do not use it.
std::string render_export(ExportFormat format, const ReportData& report, const std::string& host);
// The same text handed to `write` in pieces: CSV and JSON, whose size grows with every value of
// every run, are written as they are made instead of being held whole.
void write_export(ExportFormat format, const ReportData& report, const std::string& host,
                  const std::function<void(std::string_view)>& write);

} // namespace farm::report
