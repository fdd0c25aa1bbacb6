#include "farm/report/dashboard_view.hpp"

#include "farm/core/fixed_text.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/dashboard_screen.hpp"
#include "farm/report/format.hpp"
#include "farm/report/suite_view.hpp"
#include "farm/report/table.hpp"
#include "farm/report/trend_view.hpp"

#include <algorithm>
#include <cstdio>

namespace farm::report {

namespace {

// Every line of `text` two spaces in, so that sections read as blocks under their heading.
std::string indented(const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end;
        out += "  " + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

std::string heading(const std::string& text, bool color) {
    return color ? "\033[1m" + text + "\033[0m\n" : text + "\n";
}

// The meters of an 80-column frame when the output has no width (a file, a pipe without
// COLUMNS); two columns go to the indent.
std::string render_system(const DashboardData& d, std::size_t width, bool color) {
    std::size_t meter_width = (width == 0 ? 80 : std::max<std::size_t>(width, 42)) - 2;
    std::string out;
    for (std::string line : dashboard_meters(d, meter_width, color)) {
        line.erase(line.find_last_not_of(' ') + 1); // the core meters' spacing at the end
        out += "  " + line + "\n";
    }
    return out;
}

std::string render_latest(const DashboardData& d, bool color, std::size_t width) {
    if (d.subjects.empty()) {
        return std::string("  ") +
               (d.have_history ? "no runs in the history yet" : "no history yet") +
               ": `farm perf:build` (or `farm perf:test`) records the first results\n";
    }
    Table table({"subject", "metric", "latest", "runs", "trend", "history"});
    for (const SubjectTrend& subject : d.subjects) {
        const history::MetricSeries* primary = dashboard_primary_metric(subject);
        if (!primary) {
            table.add_row({subject.kind + " · " + subject.subject, "-", "-",
                           std::to_string(subject.runs.size()), "-", ""});
            continue;
        }
        std::vector<double> medians = dashboard_medians(subject, primary->name);
        std::string latest = format_value(primary->summary.median, primary->unit);
        const history::MetricSeries* errors =
            subject.runs.back().metric(history::error_rate_series);
        if (errors && errors != primary) {
            // Never hidden behind the latency: a run with failed requests says how many.
            latest += ", error rate " + format_value(errors->summary.median, errors->unit);
        }
        if (subject.runs.back().status != history::RunStatus::ok) {
            latest +=
                std::string(" (newest run ") + history::to_string(subject.runs.back().status) + ")";
        }
        table.add_row({subject.kind + " · " + subject.subject, metric_label(primary->name), latest,
                       std::to_string(subject.runs.size()),
                       medians.size() > 1 ? format_change(medians.front(), medians.back()) : "-",
                       sparkline(medians)});
    }
    return table.render(color, width); // a table is indented already
}

std::string render_alerts(const DashboardData& d, bool color) {
    std::string out;
    for (const analysis::BudgetResult& b : d.budgets) {
        if (b.passed) {
            continue;
        }
        std::string label = color ? "\033[1;31mBUDGET\033[0m" : "BUDGET";
        out += "  " + label + "  " + b.budget.path + ": ";
        if (b.size.files == 0) {
            out += "no file matches\n";
            out += "          -> build first, or fix the path in farm.config.json\n";
        } else {
            out += format_value(double(b.measured_bytes), "bytes") + " " +
                   core::to_string(b.budget.compression) + " is over the budget of " +
                   b.budget.limit_text + "\n";
            out += "          -> make the files smaller, or raise the limit in farm.config.json\n";
        }
    }
    for (const analysis::ThresholdAlert& t : d.thresholds) {
        std::string label = color ? "\033[1;31mTHRESHOLD\033[0m" : "THRESHOLD";
        out += "  " + label + "  " + t.subject + ": " + threshold_alert_text(t) + " (" + t.source +
               ", run " + std::to_string(t.run_id) + ")\n";
        out += "          -> " + t.action + "\n";
    }
    if (!d.alerts_advice.empty()) {
        out += indented(render_advice(d.alerts_advice, color));
    }
    return out.empty() ? "  none\n" : out;
}

} // namespace

const history::MetricSeries* dashboard_primary_metric(const SubjectTrend& subject) {
    for (auto run = subject.runs.rbegin(); run != subject.runs.rend(); ++run) {
        if (is_completed(*run)) {
            return run->primary_metric(); // the one perf:report and --compare use
        }
    }
    return nullptr;
}

std::vector<double> dashboard_medians(const SubjectTrend& subject, const std::string& metric) {
    for (const MetricTrend& t : completed_trends(subject)) {
        if (t.name == metric) {
            return t.medians;
        }
    }
    return {};
}

std::vector<analysis::Recommendation>
urgent_advice(std::vector<analysis::Recommendation> recommendations) {
    recommendations.erase(std::remove_if(recommendations.begin(), recommendations.end(),
                                         [](const analysis::Recommendation& r) {
                                             return r.priority == analysis::Priority::low;
                                         }),
                          recommendations.end());
    analysis::sort_by_priority(recommendations);
    return recommendations;
}

std::string render_dashboard(const DashboardData& d, bool color, std::size_t width) {
    std::string out;
    out += heading("System  (" + d.host + ", " + d.generated_at.substr(0, 19) + " UTC)", color);
    out += render_system(d, width, color) + "\n";
    out += heading("Latest results", color);
    // The prose (the hint without history, the alerts) wrapped to the width; the table fits itself.
    out += wrap_text(render_latest(d, color, width), width, 2) + "\n";
    out += heading("Alerts", color);
    out += wrap_text(render_alerts(d, color), width, 2);
    return out;
}

nlohmann::json dashboard_to_json(const DashboardData& d) {
    const sys::SystemSnapshot& s = d.system;
    nlohmann::json gpus = nlohmann::json::array();
    for (const sys::GpuReading& g : d.gpus) {
        auto value = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
        gpus.push_back({{"index", g.index},
                        {"name", g.name},
                        {"utilization_pct", value(g.utilization_pct)},
                        {"memory_used_bytes", value(g.memory_used_bytes)},
                        {"memory_total_bytes", value(g.memory_total_bytes)},
                        {"temperature_c", value(g.temperature_c)},
                        {"power_w", value(g.power_w)}});
    }
    nlohmann::json latest = nlohmann::json::array();
    for (const SubjectTrend& subject : d.subjects) {
        const history::MetricSeries* primary = dashboard_primary_metric(subject);
        nlohmann::json item = {{"kind", subject.kind},
                               {"subject", subject.subject},
                               {"runs", subject.runs.size()},
                               {"run_id", subject.runs.empty() ? 0 : subject.runs.back().id},
                               {"status", subject.runs.empty()
                                              ? "ok"
                                              : history::to_string(subject.runs.back().status)}};
        if (primary) {
            std::vector<double> medians = dashboard_medians(subject, primary->name);
            item["metric"] = primary->name;
            item["unit"] = primary->unit;
            item["latest"] = primary->summary.median;
            item["medians"] = medians;
            const history::MetricSeries* errors =
                subject.runs.back().metric(history::error_rate_series);
            item["error_rate"] =
                errors ? nlohmann::json(errors->summary.median) : nlohmann::json(nullptr);
            item["trend_pct"] =
                medians.size() > 1 && medians.front() != 0
                    ? nlohmann::json((medians.back() - medians.front()) / medians.front() * 100)
                    : nlohmann::json(nullptr);
        }
        latest.push_back(item);
    }
    nlohmann::json thresholds = nlohmann::json::array();
    for (const analysis::ThresholdAlert& t : d.thresholds) {
        thresholds.push_back({{"source", t.source},
                              {"subject", t.subject},
                              {"finding", threshold_alert_text(t)},
                              {"action", t.action},
                              {"run_id", t.run_id}});
    }
    nlohmann::json budgets = nlohmann::json::array();
    for (const analysis::BudgetResult& b : d.budgets) {
        if (!b.passed) {
            budgets.push_back({{"path", b.budget.path},
                               {"limit_bytes", b.budget.limit_bytes},
                               {"compression", core::to_string(b.budget.compression)},
                               {"measured_bytes", b.measured_bytes},
                               {"files", b.size.files}});
        }
    }
    return {
        {"schema", "farm.dashboard/1"},
        {"generated_at", d.generated_at},
        {"host", d.host},
        {"system",
         {{"cpu_busy_pct", s.cpu_busy_pct},
          {"cores", s.cores},
          {"memory",
           {{"total_bytes", s.memory.total_bytes},
            {"used_bytes", s.memory.used_bytes},
            {"available_bytes", s.memory.available_bytes}}},
          {"disk",
           {{"path", s.disk.path.string()},
            {"total_bytes", s.disk.total_bytes},
            {"used_bytes", s.disk.used_bytes},
            {"free_bytes", s.disk.free_bytes},
            {"used_pct", s.disk.used_pct}}},
          {"load", {s.load.one, s.load.five, s.load.fifteen}},
          {"cores_busy_pct", s.core_busy_pct},
          {"disk_io", s.disk_io.known
                          ? nlohmann::json{{"device", s.disk_io.device},
                                           {"read_bytes_per_s", s.disk_io.read_bytes_per_s},
                                           {"write_bytes_per_s", s.disk_io.write_bytes_per_s}}
                          : nlohmann::json(nullptr)},
          {"uptime_s", s.uptime_s},
          {"gpus", gpus},
          {"gpu_unavailable", d.gpu_unavailable.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(d.gpu_unavailable)}}},
        {"database", d.database},
        {"have_history", d.have_history},
        {"latest", latest},
        {"alerts",
         {{"budgets", budgets},
          {"thresholds", thresholds},
          {"advice", advice_to_json(d.alerts_advice)["recommendations"]}}},
    };
}

} // namespace farm::report
