#include "farm/report/export_csv.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/report/export_text.hpp"

#include <cmath>

namespace farm::report {

namespace {

const char* const csv_header = "kind,subject,run_id,started_at,status,git_commit,git_branch,"
                               "iteration,metric,unit,value\r\n";

std::string csv_number(double value) {
    return std::isfinite(value) ? exact_number(value) : "";
}

// The columns every row of one run shares, up to and including git_branch, with the comma.
std::string run_columns(const SubjectTrend& subject, const history::RunOverview& run) {
    return core::csv_field(subject.kind) + "," + core::csv_field(subject.subject) + "," +
           std::to_string(run.id) + "," + core::csv_field(run.started_at) + "," +
           history::to_string(run.status) + "," + core::csv_field(run.git_commit) + "," +
           core::csv_field(run.git_branch) + ",";
}

[[noreturn]] void bad_csv(std::size_t line, std::size_t column, const std::string& problem) {
    throw UsageError("not valid CSV: line " + std::to_string(line) + ", column " +
                     std::to_string(column) + ": " + problem);
}

} // namespace

void write_csv(const ReportData& report, const std::function<void(std::string_view)>& write) {
    constexpr std::size_t piece = 64 * 1024;
    std::string out = csv_header;
    auto row_done = [&] {
        if (out.size() >= piece) {
            write(out);
            out.clear();
        }
    };
    for (const SubjectTrend& subject : report.subjects) {
        for (const history::RunOverview& run : subject.runs) {
            std::string prefix = run_columns(subject, run);
            for (const history::MetricSeries& metric : run.metrics) {
                std::string suffix =
                    "," + core::csv_field(metric.name) + "," + core::csv_field(metric.unit) + ",";
                if (metric.values.empty()) {
                    out += prefix + suffix + csv_number(metric.summary.median) + "\r\n";
                    row_done();
                    continue;
                }
                for (std::size_t i = 0; i < metric.values.size(); ++i) {
                    out.append(prefix).append(std::to_string(i)).append(suffix);
                    out.append(csv_number(metric.values[i])).append("\r\n");
                    row_done();
                }
            }
        }
    }
    write(out);
}

std::string report_to_csv(const ReportData& report) {
    std::string text;
    write_csv(report, [&text](std::string_view piece) { text.append(piece); });
    return text;
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    std::size_t line = 1;
    std::size_t line_start = 0;
    std::size_t i = 0;
    auto column = [&] { return i - line_start + 1; };
    auto end_record = [&] {
        record.push_back(std::move(field));
        field.clear();
        records.push_back(std::move(record));
        record.clear();
    };
    // Each pass of the loop reads one field and the separator after it.
    while (i < text.size()) {
        bool quoted = text[i] == '"';
        if (quoted) {
            std::size_t open_line = line;
            std::size_t open_column = column();
            ++i;
            while (true) {
                if (i >= text.size()) {
                    bad_csv(open_line, open_column, "the quoted field opened here never ends");
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                if (text[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                if (text[i] == '"') {
                    bad_csv(line, column(),
                            "a quote inside an unquoted field (quote the field "
                            "and double the quote)");
                }
                field += text[i++];
            }
        }
        if (i >= text.size()) {
            end_record();
            break;
        }
        if (text[i] == ',') {
            record.push_back(std::move(field));
            field.clear();
            ++i;
            if (i == text.size()) { // "a," at the very end: the record ends with an empty field
                end_record();
            }
            continue;
        }
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++i;
        }
        if (text[i] != '\n') {
            bad_csv(line, column(),
                    quoted ? "text after a closing quote (a field is either all quoted or not "
                             "at all)"
                           : "a carriage return that is not part of a CRLF line break");
        }
        end_record();
        ++i;
        ++line;
        line_start = i;
    }
    return records;
}

} // namespace farm::report
