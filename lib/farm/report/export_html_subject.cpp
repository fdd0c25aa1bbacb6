#include "farm/report/export_html_subject.hpp"

#include "farm/report/export_html_box.hpp"
#include "farm/report/export_html_chart.hpp"
#include "farm/report/export_html_parts.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

namespace farm::report {

namespace {

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

std::string caption_of(const SubjectTrend& subject) {
    const std::string& first = subject.runs.front().started_at;
    const std::string& last = subject.runs.back().started_at;
    std::size_t n = subject.runs.size();
    std::string count = std::to_string(n) + (n == 1 ? " run, " : " runs, ");
    if (n == 1) {
        return count + short_time(first);
    }
    // Within one day only the time tells runs apart.
    bool same_day = first.substr(0, 10) == last.substr(0, 10);
    return count + short_time(first) + " to " +
           (same_day ? short_time(last).substr(11) : short_time(last));
}

TrendChart chart_of(const ReportData& report, const SubjectTrend& subject,
                    const std::string& metric) {
    TrendChart chart;
    chart.title = subject_title(subject) + " · " + metric_label(metric);
    chart.caption = caption_of(subject);
    chart.limits = limits_for(report.limits, subject.kind, subject.subject, metric);
    for (const history::RunOverview& run : subject.runs) {
        chart.run_labels.push_back("#" + std::to_string(run.id));
        chart.commit_labels.push_back(run.git_commit.substr(0, 7) + (run.git_dirty ? "+" : ""));
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
        std::string tooltip = "run #" + std::to_string(run.id) + ", " + short_time(run.started_at) +
                              (run.git_commit.empty() ? "" : ", " + git_label(run)) + ": median " +
                              format_value(s.median, series->unit) + ", " +
                              format_value(s.min, series->unit) + " … " +
                              format_value(s.max, series->unit) + " over " +
                              std::to_string(s.count) + " iterations";
        chart.points.push_back(ChartPoint{s.median, s.min, s.max, tooltip, false});
    }
    return chart;
}

std::string figure(const std::string& caption, const std::string& svg) {
    return "<figure>" + html_element("figcaption", html_escape(caption)) + svg + "</figure>\n";
}

std::string runs_table(const SubjectTrend& subject, const std::vector<std::string>& metrics) {
    std::vector<std::string> header = {"run", "started (UTC)", "status", "git", "command"};
    for (const std::string& metric : metrics) {
        header.push_back(metric_label(metric));
    }
    std::string out = "<div class=\"table-wrap\"><table>\n" + html_header_row(header);
    for (auto run = subject.runs.rbegin(); run != subject.runs.rend(); ++run) {
        out += "<tr>" + html_cell("#" + std::to_string(run->id), "num") +
               html_cell(short_time(run->started_at)) + html_cell(history::to_string(run->status)) +
               html_cell(git_label(*run).empty() ? "-" : git_label(*run)) +
               html_element("td", html_element("code", html_escape(run->command)));
        for (const std::string& metric : metrics) {
            const history::MetricSeries* series = run->metric(metric);
            out +=
                html_cell(series ? format_value(series->summary.median, series->unit) : "-", "num");
        }
        out += "</tr>\n";
    }
    return out + "</table></div>\n";
}

// Baseline against latest, for each comparison row of the subject with both sides measured.
std::string box_plots(const ReportData& report, const SubjectTrend& subject) {
    if (!report.comparison) {
        return "";
    }
    const Comparison& comparison = *report.comparison;
    std::string out;
    for (std::size_t r = 0; r < comparison.rows.size() && r < comparison.samples.size(); ++r) {
        const analysis::MetricComparison& row = comparison.rows[r];
        const ComparedSamples& samples = comparison.samples[r];
        if (row.kind != subject.kind || row.subject != subject.subject ||
            samples.baseline.empty() || samples.candidate.empty()) {
            continue;
        }
        BoxPlot plot;
        plot.title = subject_title(subject) + " · " + metric_label(row.metric) +
                     ": iterations of the baseline and of the latest run";
        plot.unit = row.unit;
        plot.sides = {
            {"baseline", samples.baseline, true},
            {"latest #" + std::to_string(samples.candidate_run), samples.candidate, false}};
        out += figure(metric_label(row.metric) + ": baseline against latest (" +
                          analysis::to_string(row.verdict) + ")",
                      render_box_plot_svg(plot));
    }
    return out;
}

std::string primary_metric_of(const ReportData& report, const SubjectTrend& subject,
                              const std::vector<std::string>& metrics) {
    if (report.comparison) {
        if (const analysis::MetricComparison* row = primary_row(*report.comparison, subject)) {
            return row->metric;
        }
    }
    return metrics.front();
}

} // namespace

std::string subject_section(const ReportData& report, std::size_t index) {
    const SubjectTrend& subject = report.subjects[index];
    std::string out = "<section class=\"subject\" id=\"" + subject_anchor(index) + "\">\n" +
                      html_element("h2", html_escape(subject_title(subject))) + "\n";
    std::vector<std::string> metrics = metric_names(subject);
    if (subject.runs.empty() || metrics.empty()) {
        return out +
               "<p class=\"note\">No measured runs in this report's window.</p>\n</section>\n";
    }
    if (std::string failures = failure_summary(subject); !failures.empty()) {
        out += "<p class=\"note\">Runs " + html_escape(failures) + ".</p>\n";
    }
    std::string primary = primary_metric_of(report, subject, metrics);
    TrendChart chart = chart_of(report, subject, primary);
    out += "<div class=\"charts\">\n" + figure(metric_label(primary), render_trend_svg(chart)) +
           box_plots(report, subject) + "</div>\n";
    std::string others;
    std::size_t count = 0;
    for (const std::string& metric : metrics) {
        if (metric != primary) {
            others +=
                figure(metric_label(metric), render_trend_svg(chart_of(report, subject, metric)));
            ++count;
        }
    }
    if (count > 0) {
        out += "<details class=\"more-metrics\"><summary>" + std::to_string(count) +
               (count == 1 ? " other metric" : " other metrics") +
               "</summary>\n<div class=\"charts\">\n" + others + "</div>\n</details>\n";
    }
    out += "<details class=\"runs\"><summary>Runs</summary>\n" + runs_table(subject, metrics) +
           "</details>\n";
    return out + "</section>\n";
}

} // namespace farm::report
