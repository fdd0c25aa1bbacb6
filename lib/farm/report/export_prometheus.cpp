#include "farm/report/export_prometheus.hpp"

#include "farm/core/error.hpp"
#include "farm/report/export_text.hpp"
#include "farm/report/format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

namespace farm::report {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Prometheus's base unit for a share is a 0-1 ratio; "rate" would suggest per second.
std::string ratio_name(const std::string& metric) {
    std::string name;
    bool renamed = false;
    std::size_t start = 0;
    while (start <= metric.size()) {
        std::size_t end = metric.find('_', start);
        std::string word = metric.substr(start, end == std::string::npos ? end : end - start);
        if (word == "rate") {
            word = "ratio";
            renamed = true;
        }
        name += (start == 0 ? "" : "_") + word;
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return renamed || name == "ratio" || ends_with(name, "_ratio") ? name : name + "_ratio";
}

std::string prometheus_value(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    return exact_number(value);
}

std::string escape(const std::string& text, bool quotes) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quotes) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

struct Family {
    std::string name;
    std::string help;
    std::vector<std::string> samples; // "{labels} value"
};

// Families in order of first appearance, each with all its samples, as the format requires.
class Exposition {
  public:
    void add(const std::string& name, const std::string& help, const std::string& labels,
             double value) {
        auto [it, added] = m_index.try_emplace(name, m_families.size());
        if (added) {
            m_families.push_back(Family{name, help, {}});
        }
        Family& family = m_families[it->second];
        std::string series = "{" + labels + "}";
        for (const std::string& sample : family.samples) {
            if (sample.compare(0, series.size() + 1, series + " ") == 0) {
                return; // the same series twice: a scraper would reject the whole file
            }
        }
        family.samples.push_back(series + " " + prometheus_value(value));
    }

    std::string text() const {
        std::string out;
        for (const Family& family : m_families) {
            out += "# HELP " + family.name + " " + escape(family.help, false) + "\n";
            out += "# TYPE " + family.name + " gauge\n";
            for (const std::string& sample : family.samples) {
                out += family.name + sample + "\n";
            }
        }
        return out;
    }

  private:
    std::vector<Family> m_families;
    std::map<std::string, std::size_t> m_index;
};

std::string label(const char* name, const std::string& value) {
    return std::string(name) + "=\"" + escape(value, true) + "\"";
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    std::int64_t yoe = y - era * 400;
    std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

} // namespace

std::string prometheus_name(const std::string& kind, const std::string& metric,
                            const std::string& unit) {
    std::string base = metric;
    if (metric == "wall_s") {
        base = "duration_seconds";
    } else if (unit == "s" && ends_with(metric, "_s")) {
        base = metric.substr(0, metric.size() - 2) + "_seconds";
    } else if (unit == "s" && !ends_with(metric, "_seconds")) {
        base = metric + "_seconds";
    } else if (unit == "%") {
        base = ratio_name(metric);
    } else if (unit == "bytes" && !ends_with(metric, "_bytes")) {
        base = metric + "_bytes";
    }
    std::string name = "farm_" + kind + "_" + base;
    for (char& c : name) {
        bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == ':';
        if (!valid) {
            c = '_';
        }
    }
    return name;
}

double unix_seconds(const std::string& iso8601) {
    // YYYY-MM-DDTHH:MM:SS, then optionally .fraction, then optionally Z.
    const std::string& t = iso8601;
    auto digits = [&](std::size_t at, std::size_t count) -> std::optional<unsigned> {
        unsigned value = 0;
        if (at + count > t.size()) {
            return std::nullopt;
        }
        for (std::size_t i = at; i < at + count; ++i) {
            if (t[i] < '0' || t[i] > '9') {
                return std::nullopt;
            }
            value = value * 10 + static_cast<unsigned>(t[i] - '0');
        }
        return value;
    };
    std::optional<unsigned> year = digits(0, 4), month = digits(5, 2), day = digits(8, 2),
                            hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
    bool ok = year && month && day && hour && minute && second && t[4] == '-' && t[7] == '-' &&
              (t[10] == 'T' || t[10] == ' ') && t[13] == ':' && t[16] == ':' && *month >= 1 &&
              *month <= 12 && *day >= 1 && *day <= 31 && *hour < 24 && *minute < 60 &&
              *second <= 60;
    std::size_t end = 19;
    std::string fraction;
    if (ok && end < t.size() && t[end] == '.') {
        for (++end; end < t.size() && t[end] >= '0' && t[end] <= '9'; ++end) {
            fraction += t[end];
        }
        ok = !fraction.empty();
    }
    if (ok && end < t.size() && t[end] == 'Z') {
        ++end;
    }
    if (!ok || end != t.size()) {
        throw Error("a run's start time '" + iso8601 +
                    "' is not an ISO 8601 UTC time such as 2026-11-23T05:57:50.123Z; the history "
                    "database may be damaged");
    }
    std::int64_t seconds =
        days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
    // Parsing the decimal text gives the double nearest to the exact time; adding a fraction to
    // the whole seconds could land one unit in the last place off.
    std::string text = std::to_string(seconds) + (fraction.empty() ? "" : "." + fraction);
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::string report_to_prometheus(const ReportData& report, const std::string& host) {
    Exposition metrics;
    Exposition runs;
    for (const SubjectTrend& subject : report.subjects) {
        if (subject.runs.empty()) {
            continue;
        }
        const history::RunOverview& latest = subject.runs.back();
        std::string labels = label("subject", subject.subject) + "," + label("host", host);
        // The gauges hold the newest completed run's numbers: a failed run's are not a
        // measurement (farm_run_ok below says the latest run failed).
        auto completed =
            std::find_if(subject.runs.rbegin(), subject.runs.rend(),
                         [](const history::RunOverview& r) { return is_completed(r); });
        const std::vector<history::MetricSeries> none;
        for (const history::MetricSeries& metric :
             completed == subject.runs.rend() ? none : completed->metrics) {
            bool percent = metric.unit == "%";
            std::string help =
                metric_label(metric.name) + " of the latest completed " + subject.kind +
                " run of each subject: the median over its iterations (farm "
                "metric " +
                metric.name + ", " +
                (percent ? "in %, here as a 0-1 ratio" : "unit " + metric.unit) + ")";
            metrics.add(prometheus_name(subject.kind, metric.name, metric.unit), help, labels,
                        percent ? metric.summary.median / 100 : metric.summary.median);
        }
        std::string run_labels = label("kind", subject.kind) + "," + labels;
        runs.add("farm_run_timestamp_seconds",
                 "Start of the latest run of each subject, Unix time in seconds", run_labels,
                 unix_seconds(latest.started_at));
        runs.add("farm_run_ok", "1 when the latest run of each subject finished ok, else 0",
                 run_labels, latest.status == history::RunStatus::ok ? 1 : 0);
    }
    return metrics.text() + runs.text();
}

} // namespace farm::report
