#include "farm/report/export_markdown.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <cmath>
#include <cstdio>

namespace farm::report {

namespace {

// Cells that are Markdown already (farm's own markup around escaped text).
std::string markdown_row(const std::vector<std::string>& cells) {
    std::string row = "|";
    for (const std::string& cell : cells) {
        row += " " + cell + " |";
    }
    return row + "\n";
}

// Cells of plain text, escaped here, once, so that no caller can forget it.
std::string text_row(const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const std::string& cell : cells) {
        escaped.push_back(markdown_escape(cell));
    }
    return markdown_row(escaped);
}

// The separator row; numbers are right-aligned so that their digits line up when rendered.
std::string alignment_row(const std::vector<bool>& numeric) {
    std::string row = "|";
    for (bool right : numeric) {
        row += right ? " ---: |" : " --- |";
    }
    return row + "\n";
}

std::string p_value_text(const std::optional<double>& p) {
    if (!p || !std::isfinite(*p)) {
        return "n/a";
    }
    if (*p < 0.001) {
        return "<0.001";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", *p);
    return buffer;
}

std::string change_text(const std::optional<double>& change_pct) {
    if (!change_pct || !std::isfinite(*change_pct)) {
        return "n/a";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%+.1f%%", *change_pct);
    return buffer;
}

std::string verdict_text(analysis::Verdict verdict) {
    switch (verdict) {
    case analysis::Verdict::slower:
        return "**slower**";
    case analysis::Verdict::faster:
        return "**faster**";
    case analysis::Verdict::no_change:
        return "no change";
    case analysis::Verdict::not_enough_data:
        return "_not enough data_";
    }
    return "";
}

std::string comparison_section(const Comparison& comparison) {
    std::string out = "## Comparison\n\n";
    out += text_row({"subject", "metric", "baseline", "candidate", "change", "p", "verdict"});
    out += alignment_row({false, false, true, true, true, true, false});
    for (const analysis::MetricComparison& row : comparison.rows) {
        // No baseline run at all: its median would read as a measured 0.
        std::string baseline = row.baseline_n == 0
                                   ? std::string("none")
                                   : format_value(row.baseline_median, row.unit) +
                                         " (n=" + std::to_string(row.baseline_n) + ")";
        std::string candidate = format_value(row.candidate_median, row.unit) +
                                " (n=" + std::to_string(row.candidate_n) + ")";
        out +=
            markdown_row({markdown_escape(row.subject), markdown_escape(metric_label(row.metric)),
                          markdown_escape(baseline), markdown_escape(candidate),
                          markdown_escape(change_text(row.change_pct)),
                          markdown_escape(p_value_text(row.p_value)), verdict_text(row.verdict)});
    }
    if (comparison.geomean_ratio) {
        double ratio = *comparison.geomean_ratio;
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%+.1f%% (×%.3f)", (ratio - 1) * 100, ratio);
        out += markdown_row(
            {"**geometric mean**",
             "primary metrics of " + count_of(comparison.geomean_rows, "compared subject"), "", "",
             markdown_escape(buffer), "", ""});
    }
    char alpha[32];
    std::snprintf(alpha, sizeof alpha, "%g", comparison.alpha);
    out += "\nChange: of the candidate's median against the baseline's. p: two-sided "
           "Mann-Whitney U over every iteration. **slower** or **faster** only when p < " +
           markdown_escape(alpha) +
           " and the change is beyond the metric's noise floor; too few iterations on either "
           "side is _not enough data_.\n";
    if (!comparison.baselines.empty()) {
        out += "\nBaselines:\n\n";
        for (const auto& [subject, text] : comparison.baselines) {
            out += "- " + markdown_escape(subject) + ": " + markdown_escape(text) + "\n";
        }
    }
    return out + "\n";
}

std::string subject_section(const SubjectTrend& subject) {
    std::string out = "## " + markdown_escape(subject.kind + " · " + subject.subject) + "\n\n";
    if (subject.runs.empty()) {
        return out + "No runs in this report's window.\n\n";
    }
    if (std::string failures = failure_summary(subject); !failures.empty()) {
        out += "Runs " + markdown_escape(failures) + ".\n\n";
    }
    std::vector<std::string> names = metric_names(subject);
    std::vector<std::string> header = {"run", "started (UTC)", "status", "git"};
    std::vector<bool> numeric = {true, false, false, false};
    for (const std::string& name : names) {
        header.push_back(metric_label(name));
        numeric.push_back(true);
    }
    out += text_row(header) + alignment_row(numeric);
    for (auto run = subject.runs.rbegin(); run != subject.runs.rend(); ++run) {
        std::vector<std::string> cells = {
            "#" + std::to_string(run->id), short_time(run->started_at),
            history::to_string(run->status), git_label(*run).empty() ? "-" : git_label(*run)};
        for (const std::string& name : names) {
            const history::MetricSeries* metric = run->metric(name);
            cells.push_back(metric ? format_value(metric->summary.median, metric->unit) : "-");
        }
        out += text_row(cells);
    }
    return out + "\n";
}

} // namespace

std::string markdown_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '\\':
        case '|':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
            out += '\\';
            out += c;
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '\n':
        case '\r':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string report_to_markdown(const ReportData& report) {
    std::string out = "# Performance report\n\n";
    out += "Database " + markdown_escape(report.database) + ", generated " +
           markdown_escape(report.generated_at) +
           ". Medians are over each run's iterations; runs are listed newest first.\n\n";
    if (report.comparison) {
        out += comparison_section(*report.comparison);
    }
    if (report.subjects.empty()) {
        out += "No runs in this report's window.\n";
    }
    for (const SubjectTrend& subject : report.subjects) {
        out += subject_section(subject);
    }
    return out;
}

} // namespace farm::report
