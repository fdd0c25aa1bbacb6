#include "farm/report/export_html.hpp"

#include "farm/report/export_html_overview.hpp"
#include "farm/report/export_html_parts.hpp"
#include "farm/report/export_html_stacked.hpp"
#include "farm/report/export_html_subject.hpp"
#include "farm/report/export_html_sweep.hpp"
#include "farm/report/export_text.hpp"

namespace farm::report {

namespace {

// Nothing may load: inline styles only. A browser logs (and blocks) anything else.
const char* const content_security_policy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

std::string stacked_figure(const StackedChart& chart) {
    return "<figure>" + html_element("figcaption", html_escape(chart.title)) +
           render_stacked_svg(chart) + stacked_legend_html(chart) + "</figure>\n";
}

std::string projects_section(const ReportData& report) {
    StackedChart builds = project_stack(report.subjects, "build:", {"wall_s"},
                                        "build time per package (run medians, stacked)");
    StackedChart sizes = project_stack(report.subjects, "size:", {"brotli_bytes", "bytes"},
                                       "output size per package (stacked)");
    if (builds.bars.empty() && sizes.bars.empty()) {
        return "";
    }
    std::string out = "<section id=\"projects\">\n<h2>Project builds</h2>\n"
                      "<p class=\"note\">One bar per <code>farm perf:build</code> of the "
                      "project, one segment per package.</p>\n<div class=\"charts\">\n";
    if (!builds.bars.empty()) {
        out += stacked_figure(builds);
    }
    if (!sizes.bars.empty()) {
        sizes.limits = limits_for(report.limits, "budget", "*", sizes.metric);
        out += stacked_figure(sizes);
    }
    return out + "</div>\n</section>\n";
}

std::string sweeps_section(const std::vector<SweepCurve>& curves) {
    if (curves.empty()) {
        return "";
    }
    std::string out = "<section id=\"sweeps\">\n<h2>AI load sweeps</h2>\n<p class=\"note\">"
                      "Each level of a <code>farm perf:benchmark</code> sweep: its throughput "
                      "against its median end-to-end latency. Where the curve turns up, more "
                      "load buys latency, not throughput.</p>\n<div class=\"charts\">\n";
    for (const SweepCurve& curve : curves) {
        out += "<figure>" + html_element("figcaption", html_escape(curve.title)) +
               render_sweep_svg(curve) + "</figure>\n";
    }
    return out + "</div>\n</section>\n";
}

std::string page_header(const ReportData& report) {
    std::size_t runs = 0;
    for (const SubjectTrend& subject : report.subjects) {
        runs += subject.runs.size();
    }
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
                      std::string(content_security_policy) +
                      "\">\n<meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1\">\n<title>Performance report</title>\n<style>" +
                      page_style_sheet() + "</style>\n</head>\n<body>\n<main>\n" +
                      "<h1>Performance report</h1>\n";
    out += "<p class=\"meta\">Database " + html_element("code", html_escape(report.database)) +
           " · generated " + html_escape(report.generated_at) + " · " +
           std::to_string(report.subjects.size()) +
           (report.subjects.size() == 1 ? " subject, " : " subjects, ") + std::to_string(runs) +
           (runs == 1 ? " run" : " runs") + "</p>\n";
    out += "<p class=\"note\">Charts: the line joins each run's median over its iterations, the "
           "band spans each run's smallest to largest iteration, red crosses are runs that did "
           "not finish ok; under each run its id and commit. Value axes start at zero unless a "
           "break mark on the axis says otherwise. Hover a dot for its run.</p>\n";
    return out;
}

} // namespace

std::string report_to_html(const ReportData& report) {
    std::string projects = projects_section(report);
    std::vector<SweepCurve> curves = sweeps_in(report.subjects);
    std::vector<std::pair<std::string, std::string>> extra;
    if (!projects.empty()) {
        extra.emplace_back("projects", "Project builds");
    }
    if (!curves.empty()) {
        extra.emplace_back("sweeps", "AI load sweeps");
    }
    std::string out =
        page_header(report) + overview_section(report, extra) + projects + sweeps_section(curves);
    for (std::size_t i = 0; i < report.subjects.size(); ++i) {
        out += subject_section(report, i);
    }
    return out + "</main>\n</body>\n</html>\n";
}

} // namespace farm::report
