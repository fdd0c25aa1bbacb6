#include "farm/report/export_html.hpp"

#include "farm/report/export_html_chart.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <cmath>
#include <cstdio>

namespace farm::report {

namespace {

// System fonts only: a font from the network would break "self-contained" and "no network".
const char* const style_sheet = R"(
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1f2328; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
.meta, .note { color: #59636e; margin: 4px 0; font-size: .9rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .875rem; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.slower td { background: #ffebe9; }
tr.faster td { background: #dafbe1; }
tr.no-change td { background: #eef0f2; }
td.verdict { font-weight: 600; white-space: nowrap; }
tr.geomean td { font-weight: 600; background: #f6f8fa; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px 4px; }
figcaption { font-weight: 600; font-size: .9rem; margin-bottom: 2px; overflow-wrap: anywhere; }
svg.chart { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 11px; fill: #59636e; }
svg text.caption { fill: #8c959f; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .band { fill: #0969da; fill-opacity: .13; stroke: none; }
svg .whisker { fill: none; stroke: #0969da; stroke-opacity: .4; stroke-width: 3; }
svg .line { fill: none; stroke: #0969da; stroke-width: 2; stroke-linejoin: round; }
svg .dot { fill: #0969da; stroke: #fff; stroke-width: 1.5; }
svg .failed-run { stroke: #cf222e; stroke-width: 2.5; fill: none; }
)";

std::string element(const char* tag, const std::string& escaped, const char* css_class = nullptr) {
    std::string open = css_class ? std::string("<") + tag + " class=\"" + css_class + "\">"
                                 : std::string("<") + tag + ">";
    return open + escaped + "</" + tag + ">";
}

std::string cell(const std::string& text, const char* css_class = nullptr) {
    return element("td", html_escape(text), css_class);
}

std::string header_row(const std::vector<std::string>& names) {
    std::string row = "<tr>";
    for (const std::string& name : names) {
        row += element("th", html_escape(name));
    }
    return row + "</tr>\n";
}

std::string printf_text(const char* format, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

const char* verdict_class(analysis::Verdict verdict) {
    switch (verdict) {
    case analysis::Verdict::slower:
        return "slower";
    case analysis::Verdict::faster:
        return "faster";
    case analysis::Verdict::no_change:
        return "no-change";
    case analysis::Verdict::not_enough_data:
        return "not-enough-data";
    }
    return "";
}

std::string comparison_section(const Comparison& comparison) {
    std::string out = "<section class=\"comparison\">\n<h2>Comparison</h2>\n"
                      "<div class=\"table-wrap\"><table>\n";
    out += header_row(
        {"kind", "subject", "metric", "baseline", "candidate", "change", "p", "verdict"});
    for (const analysis::MetricComparison& row : comparison.rows) {
        bool has_change = row.change_pct && std::isfinite(*row.change_pct);
        bool has_p = row.p_value && std::isfinite(*row.p_value);
        out += "<tr class=\"" + std::string(verdict_class(row.verdict)) + "\">" + cell(row.kind) +
               cell(row.subject) + cell(metric_label(row.metric)) +
               cell(row.baseline_n == 0 ? std::string("none")
                                        : format_value(row.baseline_median, row.unit) +
                                              " (n=" + std::to_string(row.baseline_n) + ")",
                    "num") +
               cell(format_value(row.candidate_median, row.unit) +
                        " (n=" + std::to_string(row.candidate_n) + ")",
                    "num") +
               cell(has_change ? printf_text("%+.1f%%", *row.change_pct) : "n/a", "num") +
               cell(!has_p                 ? "n/a"
                    : *row.p_value < 0.001 ? "<0.001"
                                           : printf_text("%.3f", *row.p_value),
                    "num") +
               cell(analysis::to_string(row.verdict), "verdict") + "</tr>\n";
    }
    if (comparison.geomean_ratio) {
        double ratio = *comparison.geomean_ratio;
        out += "<tr class=\"geomean\"><td colspan=\"2\">geometric mean</td>" +
               cell("primary metrics") + "<td></td><td></td>" +
               cell(printf_text("%+.1f%%", (ratio - 1) * 100) + printf_text(" (×%.3f)", ratio),
                    "num") +
               "<td></td><td></td></tr>\n";
    }
    out += "</table></div>\n<p class=\"note\">" +
           html_escape("Change: of the candidate's median against the baseline's. p: two-sided "
                       "Mann-Whitney U over every iteration. Slower or faster only when p < " +
                       printf_text("%g", comparison.alpha) +
                       " and the change is beyond the metric's noise floor; too few "
                       "iterations on either side is not enough data.") +
           "</p>\n";
    if (!comparison.baselines.empty()) {
        out += "<p class=\"note\">Baselines:</p>\n<ul class=\"note\">\n";
        for (const auto& [subject, text] : comparison.baselines) {
            out += "<li>" + html_escape(subject) + ": " + html_escape(text) + "</li>\n";
        }
        out += "</ul>\n";
    }
    return out + "</section>\n";
}

// A failed or interrupted run in a chart: no value, the reason in its tooltip ("run #7,
// 2026-11-23 05:57, failed, not a measurement: build of @acme/db failed: ...").
ChartPoint failed_point(const history::RunOverview& run) {
    std::string why = run.failure_message.substr(0, run.failure_message.find('\n'));
    if (why.empty()) {
        why = run.failure_reason;
    }
    ChartPoint point;
    point.failed = true;
    point.tooltip = "run #" + std::to_string(run.id) + ", " + short_time(run.started_at) + ", " +
                    history::to_string(run.status) + ", not a measurement" +
                    (why.empty() ? "" : ": " + why);
    return point;
}

TrendChart chart_of(const SubjectTrend& subject, const std::string& metric) {
    TrendChart chart;
    chart.title = subject.kind + " · " + subject.subject + " · " + metric_label(metric);
    const std::string& first = subject.runs.front().started_at;
    const std::string& last = subject.runs.back().started_at;
    // Dates tell runs days apart; within one day only the time does.
    bool same_day = first.substr(0, 10) == last.substr(0, 10);
    chart.first_label = same_day ? short_time(first) : first.substr(0, 10);
    chart.last_label = same_day ? short_time(last) : last.substr(0, 10);
    for (const history::RunOverview& run : subject.runs) {
        if (!is_completed(run)) {
            chart.points.push_back(failed_point(run));
            continue;
        }
        const history::MetricSeries* series = run.metric(metric);
        if (!series) {
            chart.points.push_back(std::nullopt);
            continue;
        }
        chart.unit = series->unit;
        const measure::Summary& s = series->summary;
        std::string tooltip =
            "run #" + std::to_string(run.id) + ", " + short_time(run.started_at) + ", " +
            history::to_string(run.status) + ": median " + format_value(s.median, series->unit) +
            ", " + format_value(s.min, series->unit) + " … " + format_value(s.max, series->unit) +
            " over " + std::to_string(s.count) + " iterations";
        chart.points.push_back(ChartPoint{s.median, s.min, s.max, tooltip, false});
    }
    return chart;
}

std::string runs_table(const SubjectTrend& subject, const std::vector<std::string>& metrics) {
    std::vector<std::string> header = {"run", "started (UTC)", "status", "git", "command"};
    for (const std::string& metric : metrics) {
        header.push_back(metric_label(metric));
    }
    std::string out = "<div class=\"table-wrap\"><table>\n" + header_row(header);
    for (auto run = subject.runs.rbegin(); run != subject.runs.rend(); ++run) {
        out += "<tr>" + cell("#" + std::to_string(run->id), "num") +
               cell(short_time(run->started_at)) + cell(history::to_string(run->status)) +
               cell(git_label(*run).empty() ? "-" : git_label(*run)) +
               element("td", element("code", html_escape(run->command)));
        for (const std::string& metric : metrics) {
            const history::MetricSeries* series = run->metric(metric);
            out += cell(series ? format_value(series->summary.median, series->unit) : "-", "num");
        }
        out += "</tr>\n";
    }
    return out + "</table></div>\n";
}

std::string subject_section(const SubjectTrend& subject) {
    std::string out = "<section class=\"subject\">\n" +
                      element("h2", html_escape(subject.kind + " · " + subject.subject)) + "\n";
    if (subject.runs.empty()) {
        return out + "<p class=\"note\">No runs in this report's window.</p>\n</section>\n";
    }
    if (std::string failures = failure_summary(subject); !failures.empty()) {
        out += "<p class=\"note\">Runs " + html_escape(failures) + ".</p>\n";
    }
    std::vector<std::string> metrics = metric_names(subject);
    out += "<div class=\"charts\">\n";
    for (const std::string& metric : metrics) {
        TrendChart chart = chart_of(subject, metric);
        out += "<figure>" + element("figcaption", html_escape(chart.title)) +
               render_trend_svg(chart) + "</figure>\n";
    }
    out += "</div>\n" + runs_table(subject, metrics);
    return out + "</section>\n";
}

} // namespace

std::string report_to_html(const ReportData& report) {
    std::size_t runs = 0;
    for (const SubjectTrend& subject : report.subjects) {
        runs += subject.runs.size();
    }
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>Performance report</title>\n<style>";
    out += style_sheet;
    out += "</style>\n</head>\n<body>\n<main>\n<h1>Performance report</h1>\n";
    out += "<p class=\"meta\">Database " + element("code", html_escape(report.database)) +
           " · generated " + html_escape(report.generated_at) + " · " +
           std::to_string(report.subjects.size()) + " subjects, " + std::to_string(runs) +
           " runs</p>\n";
    out += "<p class=\"note\">Charts: the line joins each run's median over its iterations, the "
           "band spans each run's smallest to largest iteration, red dots are runs that did not "
           "finish ok. Hover a dot for its run.</p>\n";
    if (report.comparison) {
        out += comparison_section(*report.comparison);
    }
    if (report.subjects.empty()) {
        out += "<p>No runs in this report's window.</p>\n";
    }
    for (const SubjectTrend& subject : report.subjects) {
        out += subject_section(subject);
    }
    return out + "</main>\n</body>\n</html>\n";
}

} // namespace farm::report
