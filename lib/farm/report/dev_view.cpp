#include "farm/report/dev_view.hpp"

#include "farm/measure/stats.hpp"
#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <algorithm>

namespace farm::report {

namespace {

using nlohmann::json;

const char* outcome_name(dev::DevOutcome outcome) {
    switch (outcome) {
    case dev::DevOutcome::completed:
        return "ok";
    case dev::DevOutcome::failed:
        return "failed";
    case dev::DevOutcome::interrupted:
        return "interrupted";
    }
    return "failed";
}

std::string seconds_cell(const std::vector<double>& values,
                         double (*pick)(std::span<const double>)) {
    return values.empty() ? "-" : format_value(pick(values), "s");
}

double min_of(std::span<const double> v) {
    return *std::min_element(v.begin(), v.end());
}

double max_of(std::span<const double> v) {
    return *std::max_element(v.begin(), v.end());
}

double median_of(std::span<const double> v) {
    return measure::median(v);
}

json summary_json(const std::vector<double>& values) {
    if (values.empty()) {
        return nullptr;
    }
    return {{"values", values},
            {"median", measure::median(values)},
            {"min", min_of(values)},
            {"max", max_of(values)}};
}

json optional_json(const std::optional<double>& value, double scale) {
    return value ? json(*value * scale) : json(nullptr);
}

// The last run's reloads one by one: each clock in milliseconds from the edit, and the HMR
// message that stopped the HMR clock.
json reloads_json(const dev::ServiceMeasurement& s) {
    json reloads = json::array();
    for (std::size_t n = 0; n < s.reloads.size(); ++n) {
        const dev::ReloadTimeline& r = s.reloads[n];
        reloads.push_back(
            {{"reload", n + 1},
             {"server_log_ms", optional_json(r.server_log_s, 1000)},
             {"hmr_ms", optional_json(r.hmr_s, 1000)},
             {"hmr_message", r.hmr_message.empty() ? json(nullptr) : json(r.hmr_message)},
             {"browser_ms", optional_json(r.browser_s, 1000)}});
    }
    return reloads;
}

std::string ms_cell(const std::vector<double>& values) {
    return values.empty() ? "-" : format_value(measure::median(values) / 1000, "s");
}

// The start-up phases and the reload clocks, medians, for the services that have any.
std::string render_phases_and_clocks(const dev::DevResult& result, bool color, std::size_t width) {
    std::string out;
    Table phases({"service", "first output", "port open", "first 2xx", "page load", "ready"});
    Table clocks({"service", "server log", "HMR message", "browser", "HMR protocol"});
    // Narrow terminals: the first phases and the bundler's own HMR clock stack under their row.
    phases.set_overflow(Overflow::stack);
    phases.set_priority(1, 2);
    phases.set_priority(2, 1);
    clocks.set_overflow(Overflow::stack);
    clocks.set_priority(4, 1);
    bool any_phase = false;
    bool any_clock = false;
    for (const dev::ServiceMeasurement& s : result.services) {
        if (!s.first_output_s.empty() || !s.port_open_s.empty() || !s.first_2xx_s.empty()) {
            any_phase = true;
            phases.add_row(
                {s.name, seconds_cell(s.first_output_s, median_of),
                 seconds_cell(s.port_open_s, median_of), seconds_cell(s.first_2xx_s, median_of),
                 seconds_cell(s.page_load_s, median_of), seconds_cell(s.startup_s, median_of)});
        }
        if (!s.reload_s.empty()) {
            any_clock = true;
            std::string browser = s.browser_ms.empty() && !s.browser_note.empty()
                                      ? "- (" + s.browser_note + ")"
                                      : ms_cell(s.browser_ms);
            clocks.add_row({s.name, ms_cell(s.server_log_ms), ms_cell(s.hmr_ms), browser,
                            s.hmr_protocol.empty() ? "-" : s.hmr_protocol});
        }
    }
    if (any_phase) {
        if (!result.ready_total_s.empty()) {
            phases.add_row({"(all services)", "", "", "",
                            seconds_cell(result.page_total_s, median_of),
                            seconds_cell(result.ready_total_s, median_of)});
        }
        out += "  start-up phases (median, from each spawn)\n" + phases.render(color, width) + "\n";
    }
    if (any_clock) {
        out += "  reload clocks (median, from the edit)\n" + clocks.render(color, width) + "\n";
    }
    return out;
}

} // namespace

DevView make_dev_view(const dev::DevResult& result,
                      const std::vector<analysis::DevServiceFindings>& findings,
                      const core::DevThresholds& thresholds) {
    DevView view;
    view.result = &result;
    for (const analysis::DevServiceFindings& f : findings) {
        view.verdicts.push_back(analysis::judge_dev_service(f, thresholds));
    }
    view.advice = analysis::advise_dev(findings, thresholds);
    return view;
}

std::string render_dev(const DevView& view, bool color, std::size_t width) {
    const dev::DevResult& result = *view.result;
    Table table({"service", "kind", "start-up median", "min", "max", "verdict", "reload median",
                 "reload", "CPU cores", "peak RSS"});
    // What stays on a narrow line: the service, its start-up and reload medians and verdicts; the
    // spread, kind and resources stack under the row.
    table.set_overflow(Overflow::stack);
    for (auto [column, priority] : {std::pair{3, 3}, {4, 3}, {1, 2}, {8, 1}, {9, 1}}) {
        table.set_priority(std::size_t(column), priority);
    }
    for (std::size_t i = 0; i < result.services.size(); ++i) {
        const dev::ServiceMeasurement& s = result.services[i];
        const analysis::DevVerdict& v = view.verdicts[i];
        std::string startup_verdict =
            v.startup.empty()
                ? "-"
                : v.startup + " (limit " + format_value(v.startup_threshold_s, "s") + ")";
        table.add_row(
            {s.name, s.kind, seconds_cell(s.startup_s, median_of),
             seconds_cell(s.startup_s, min_of), seconds_cell(s.startup_s, max_of), startup_verdict,
             seconds_cell(s.reload_s, median_of), v.reload.empty() ? "-" : v.reload,
             s.cpu_cores_mean.empty() ? "-"
                                      : format_value(measure::median(s.cpu_cores_mean), "cores"),
             s.rss_peak_bytes.empty() ? "-" : format_value(max_of(s.rss_peak_bytes), "bytes")});
    }
    std::string out =
        table.render(color, width) + "\n" + render_phases_and_clocks(result, color, width);
    std::string advice;
    for (const analysis::Advice& a : view.advice) {
        advice += "  advice [" + a.subject + "] " + a.finding + "\n";
        for (const std::string& s : a.suggestions) {
            advice += "    - " + s + "\n";
        }
    }
    out += wrap_text(advice, width, 6);
    if (!view.advice.empty()) {
        out += "\n";
    }
    return out;
}

json dev_to_json(const DevView& view) {
    const dev::DevResult& result = *view.result;
    json services = json::array();
    for (std::size_t i = 0; i < result.services.size(); ++i) {
        const dev::ServiceMeasurement& s = result.services[i];
        const analysis::DevVerdict& v = view.verdicts[i];
        services.push_back(
            {{"name", s.name},
             {"kind", s.kind},
             {"command", s.command},
             {"startup_s", summary_json(s.startup_s)},
             {"startup_threshold_s", v.startup_threshold_s},
             {"startup_verdict", v.startup.empty() ? json(nullptr) : json(v.startup)},
             {"reload_s", summary_json(s.reload_s)},
             {"phases",
              {{"first_output_s", summary_json(s.first_output_s)},
               {"port_open_s", summary_json(s.port_open_s)},
               {"first_2xx_s", summary_json(s.first_2xx_s)},
               {"page_load_s", summary_json(s.page_load_s)}}},
             {"reload_clocks",
              {{"server_log_ms", summary_json(s.server_log_ms)},
               {"hmr_ms", summary_json(s.hmr_ms)},
               {"browser_ms", summary_json(s.browser_ms)}}},
             {"reloads", reloads_json(s)},
             {"page_url", s.page_url.empty() ? json(nullptr) : json(s.page_url)},
             {"hmr_protocol", s.hmr_protocol.empty() ? json(nullptr) : json(s.hmr_protocol)},
             {"browser_note", s.browser_note.empty() ? json(nullptr) : json(s.browser_note)},
             {"reload_verdict", v.reload.empty() ? json(nullptr) : json(v.reload)},
             {"cpu_cores_mean", summary_json(s.cpu_cores_mean)},
             {"rss_peak_bytes", summary_json(s.rss_peak_bytes)}});
    }
    json advice = json::array();
    for (const analysis::Advice& a : view.advice) {
        advice.push_back({{"subject", a.subject},
                          {"rule", a.rule},
                          {"finding", a.finding},
                          {"suggestions", a.suggestions}});
    }
    return {{"schema", "farm.dev/1"},
            {"status", outcome_name(result.outcome)},
            {"duration_s", result.total_s},
            {"services", services},
            {"advice", advice},
            {"run_ids", view.run_ids},
            {"startup_total",
             {{"ready_s", summary_json(result.ready_total_s)},
              {"page_s", summary_json(result.page_total_s)}}},
            {"service_pids", result.service_pids},
            {"browser_pids", result.browser_pids},
            {"failure", result.failure.empty() ? json(nullptr) : json(result.failure)}};
}

} // namespace farm::report
