#include "farm/report/export_html_parts.hpp"

#include "farm/report/export_text.hpp"
#include "farm/report/html_svg.hpp"

#include <cstdio>

namespace farm::report {

namespace {

// System fonts only: a font from the network would break "self-contained" and "no network".
// The layout is one column that fits a phone (390 px): tables scroll in their own box, charts
// scale to the width, and nothing has a fixed width wider than the screen.
const char* const page_css = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1f2328; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de;
  overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 18px 0 8px; }
a { color: #0969da; }
.meta, .note { color: #59636e; margin: 4px 0; font-size: .9rem; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: .875rem; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.slower td { background: #ffebe9; }
tr.faster td { background: #dafbe1; }
tr.no-change td { background: #eef0f2; }
td.verdict { font-weight: 600; white-space: nowrap; }
tr.geomean td { font-weight: 600; background: #f6f8fa; }
table.overview td { white-space: nowrap; } /* one line a subject; the table scrolls on a phone */
table.overview th, table.overview td { padding: 4px 7px; }
nav.toc ol { columns: 2 280px; margin: 8px 0; padding-left: 1.4em; font-size: .9rem; }
nav.toc li { overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 460px), 1fr));
  gap: 16px; }
figure { margin: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px 4px;
  min-width: 0; }
figcaption { font-weight: 600; font-size: .9rem; margin-bottom: 2px; overflow-wrap: anywhere; }
details { margin: 12px 0; }
summary { cursor: pointer; font-weight: 600; font-size: .95rem; }
ul.legend { list-style: none; padding: 0; margin: 4px 0; font-size: .8rem; display: flex;
  flex-wrap: wrap; gap: 4px 14px; }
ul.legend li { overflow-wrap: anywhere; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; }
svg text.run-id { fill: #1f2328; }
svg text.commit { fill: #8c959f; font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 10px; }
)";

} // namespace

std::string html_element(const char* tag, const std::string& escaped, const char* css_class) {
    std::string open = css_class ? std::string("<") + tag + " class=\"" + css_class + "\">"
                                 : std::string("<") + tag + ">";
    return open + escaped + "</" + tag + ">";
}

std::string html_cell(const std::string& text, const char* css_class) {
    return html_element("td", html_escape(text), css_class);
}

std::string html_header_row(const std::vector<std::string>& names) {
    std::string row = "<tr>";
    for (const std::string& name : names) {
        row += html_element("th", html_escape(name));
    }
    return row + "</tr>\n";
}

std::string printf_number(const char* format, double value) {
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

std::string subject_anchor(std::size_t index) {
    return "subject-" + std::to_string(index + 1);
}

std::string subject_title(const SubjectTrend& subject) {
    return subject.kind + " · " + subject.subject;
}

const analysis::MetricComparison* primary_row(const Comparison& comparison,
                                              const SubjectTrend& subject) {
    for (const analysis::MetricComparison& row : comparison.rows) {
        if (row.kind == subject.kind && row.subject == subject.subject) {
            return &row;
        }
    }
    return nullptr;
}

std::string page_style_sheet() {
    return std::string(page_css) + chart_style_sheet();
}

} // namespace farm::report
