#include "farm/report/export_text.hpp"

#include <charconv>
#include <cmath>

namespace farm::report {

std::string exact_number(double value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    // Without a precision, to_chars writes the shortest text that round-trips (C++17), and
    // unlike printf it never depends on the locale.
    char buffer[32];
    std::to_chars_result result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::vector<std::string> metric_names(const SubjectTrend& subject) {
    std::vector<std::string> names;
    for (const history::RunOverview& run : subject.runs) {
        for (const history::MetricSeries& metric : run.metrics) {
            bool known = false;
            for (const std::string& name : names) {
                known = known || name == metric.name;
            }
            if (!known) {
                names.push_back(metric.name);
            }
        }
    }
    return names;
}

std::string git_label(const history::RunOverview& run) {
    if (run.git_commit.empty()) {
        return "";
    }
    std::string label = run.git_commit.substr(0, 8) + (run.git_dirty ? "+" : "");
    if (!run.git_branch.empty()) {
        label += " " + run.git_branch;
    }
    return label;
}

std::string short_time(const std::string& iso8601) {
    std::string text = iso8601.substr(0, 16);
    if (text.size() > 10 && text[10] == 'T') {
        text[10] = ' ';
    }
    return text;
}

} // namespace farm::report
