#include "farm/report/export.hpp"

#include "farm/report/export_csv.hpp"
#include "farm/report/export_html.hpp"
#include "farm/report/export_json.hpp"
#include "farm/report/export_markdown.hpp"
#include "farm/report/export_prometheus.hpp"

#include <cctype>

namespace farm::report {

namespace {

struct FormatName {
    const char* extension;
    ExportFormat format;
};

// The one list both export_format_for and the error message come from.
constexpr FormatName formats[] = {{".json", ExportFormat::json},
                                  {".csv", ExportFormat::csv},
                                  {".md", ExportFormat::markdown},
                                  {".html", ExportFormat::html},
                                  {".prom", ExportFormat::prometheus}};

std::string joined_extensions() {
    std::string list;
    for (const FormatName& name : formats) {
        list += std::string(list.empty() ? "" : ", ") + (name.extension + 1);
    }
    return list;
}

} // namespace

std::optional<ExportFormat> export_format_for(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    for (char& c : extension) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const FormatName& name : formats) {
        if (extension == name.extension) {
            return name.format;
        }
    }
    return std::nullopt;
}

const char* supported_export_extensions() {
    static const std::string list = joined_extensions();
    return list.c_str();
}

std::string render_export(ExportFormat format, const ReportData& report, const std::string& host) {
    switch (format) {
    case ExportFormat::json:
        return report_to_json(report).dump(2) + "\n";
    case ExportFormat::csv:
        return report_to_csv(report);
    case ExportFormat::markdown:
        return report_to_markdown(report);
    case ExportFormat::html:
        return report_to_html(report);
    case ExportFormat::prometheus:
        return report_to_prometheus(report, host);
    }
    return "";
}

} // namespace farm::report
