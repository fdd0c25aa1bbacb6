#include "farm/report/export_html_overview.hpp"

#include "farm/report/export_html_parts.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <cmath>

namespace farm::report {

namespace {

std::string subject_link(const SubjectTrend& subject, std::size_t index) {
    return "<td><a href=\"#" + subject_anchor(index) + "\">" + html_escape(subject_title(subject)) +
           "</a></td>";
}

std::string p_text(const analysis::MetricComparison& row) {
    if (!row.p_value || !std::isfinite(*row.p_value)) {
        return "n/a";
    }
    return *row.p_value < 0.001 ? "<0.001" : printf_number("%.3f", *row.p_value);
}

std::string compared_row(const analysis::MetricComparison& row, const std::string& subject_cell,
                         const ComparedSamples* samples) {
    bool has_change = row.change_pct && std::isfinite(*row.change_pct);
    std::string latest = format_value(row.candidate_median, row.unit) +
                         " (n=" + std::to_string(row.candidate_n) + ")";
    if (samples && samples->candidate_run > 0) {
        latest = "#" + std::to_string(samples->candidate_run) + ": " + latest;
    }
    return "<tr class=\"" + std::string(verdict_class(row.verdict)) + "\">" + subject_cell +
           html_cell(metric_label(row.metric)) + html_cell(latest, "num") +
           html_cell(row.baseline_n == 0 ? std::string("none")
                                         : format_value(row.baseline_median, row.unit) +
                                               " (n=" + std::to_string(row.baseline_n) + ")",
                     "num") +
           html_cell(has_change ? printf_number("%+.1f%%", *row.change_pct) : "n/a", "num") +
           html_cell(p_text(row), "num") + html_cell(analysis::to_string(row.verdict), "verdict") +
           "</tr>\n";
}

// A subject the comparison has no row for: its newest completed run, if any, and why.
std::string uncompared_row(const SubjectTrend& subject, const std::string& subject_cell,
                           bool compared_at_all) {
    const history::RunOverview* latest = nullptr;
    for (const history::RunOverview& run : subject.runs) {
        if (is_completed(run) && !run.metrics.empty()) {
            latest = &run;
        }
    }
    if (!latest) {
        return "<tr>" + subject_cell + html_cell("-") + html_cell("-", "num") +
               html_cell("-", "num") + html_cell("n/a", "num") + html_cell("n/a", "num") +
               html_cell("no completed run", "verdict") + "</tr>\n";
    }
    const history::MetricSeries& m = latest->metrics.front();
    return "<tr>" + subject_cell + html_cell(metric_label(m.name)) +
           html_cell("#" + std::to_string(latest->id) + ": " +
                         format_value(m.summary.median, m.unit) +
                         " (n=" + std::to_string(m.summary.count) + ")",
                     "num") +
           html_cell("none", "num") + html_cell("n/a", "num") + html_cell("n/a", "num") +
           html_cell(compared_at_all ? "not enough data" : "not compared", "verdict") + "</tr>\n";
}

// Comparison rows of subjects the trends do not show (outside the window): listed, unlinked.
std::string rows_without_section(const ReportData& report, const Comparison& comparison) {
    std::string out;
    for (std::size_t r = 0; r < comparison.rows.size(); ++r) {
        const analysis::MetricComparison& row = comparison.rows[r];
        bool shown =
            std::any_of(report.subjects.begin(), report.subjects.end(), [&](const SubjectTrend& s) {
                return s.kind == row.kind && s.subject == row.subject;
            });
        if (!shown) {
            out += compared_row(row, html_cell(row.kind + " · " + row.subject),
                                r < comparison.samples.size() ? &comparison.samples[r] : nullptr);
        }
    }
    return out;
}

std::string geomean_row(const Comparison& comparison) {
    if (!comparison.geomean_ratio) {
        return "";
    }
    double ratio = *comparison.geomean_ratio;
    std::string rows = std::to_string(comparison.geomean_rows);
    return "<tr class=\"geomean\"><td>geometric mean</td>" +
           html_cell("primary metrics of " + rows + " compared subjects") + "<td></td><td></td>" +
           html_cell(printf_number("%+.1f%%", (ratio - 1) * 100) + printf_number(" (×%.3f)", ratio),
                     "num") +
           "<td></td><td></td></tr>\n";
}

std::string table_of_contents(const ReportData& report,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
    std::string out = "<nav class=\"toc\" aria-label=\"Contents\">\n<h3>Contents</h3>\n<ol>\n";
    for (const auto& [id, title] : extra) {
        out += "<li><a href=\"#" + id + "\">" + html_escape(title) + "</a></li>\n";
    }
    for (std::size_t i = 0; i < report.subjects.size(); ++i) {
        out += "<li><a href=\"#" + subject_anchor(i) + "\">" +
               html_escape(subject_title(report.subjects[i])) + "</a></li>\n";
    }
    return out + "</ol>\n</nav>\n";
}

std::string comparison_notes(const Comparison& comparison) {
    std::string out =
        "<p class=\"note\">" +
        html_escape("Latest: the newest completed run of the subject. Change: of its median "
                    "against the baseline's. p: two-sided Mann-Whitney U over every iteration. "
                    "Slower or faster only when p < " +
                    printf_number("%g", comparison.alpha) +
                    " and the change is beyond the metric's noise floor; too few iterations on "
                    "either side is not enough data.") +
        "</p>\n";
    if (!comparison.baselines.empty()) {
        out += "<details class=\"note\"><summary>Baselines</summary>\n<ul>\n";
        for (const auto& [subject, text] : comparison.baselines) {
            out += "<li>" + html_escape(subject) + ": " + html_escape(text) + "</li>\n";
        }
        out += "</ul>\n</details>\n";
    }
    return out;
}

} // namespace

std::string overview_section(const ReportData& report,
                             const std::vector<std::pair<std::string, std::string>>& extra) {
    std::string out = "<section id=\"overview\">\n<h2>Overview</h2>\n";
    if (report.subjects.empty()) {
        return out + "<p>No runs in this report's window.</p>\n</section>\n";
    }
    out += "<div class=\"table-wrap\"><table class=\"overview\">\n" +
           html_header_row({"subject", "metric", "latest", "baseline", "change", "p", "verdict"});
    const Comparison* comparison = report.comparison ? &*report.comparison : nullptr;
    for (std::size_t i = 0; i < report.subjects.size(); ++i) {
        const SubjectTrend& subject = report.subjects[i];
        std::string link = subject_link(subject, i);
        bool any = false;
        for (std::size_t r = 0; comparison && r < comparison->rows.size(); ++r) {
            const analysis::MetricComparison& row = comparison->rows[r];
            if (row.kind != subject.kind || row.subject != subject.subject) {
                continue;
            }
            const ComparedSamples* samples =
                r < comparison->samples.size() ? &comparison->samples[r] : nullptr;
            out += compared_row(row, link, samples);
            any = true;
        }
        if (!any) {
            out += uncompared_row(subject, link, comparison != nullptr);
        }
    }
    if (comparison) {
        out += rows_without_section(report, *comparison) + geomean_row(*comparison);
    }
    out += "</table></div>\n";
    if (comparison) {
        out += comparison_notes(*comparison);
    }
    return out + table_of_contents(report, extra) + "</section>\n";
}

} // namespace farm::report
