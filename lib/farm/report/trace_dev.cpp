#include "farm/report/trace_dev.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace farm::report {

namespace {

using nlohmann::json;

constexpr int dev_pid = 1;

// The phases seen in one start-up, in the order they came.
std::vector<std::pair<std::string, double>> phases_in_order(const dev::StartupTimeline& t) {
    std::vector<std::pair<std::string, double>> phases;
    auto add = [&](const char* name, const std::optional<double>& at) {
        if (at) {
            phases.emplace_back(name, std::max(*at, t.spawned_s));
        }
    };
    add("first output", t.first_output_s);
    add("port open", t.port_open_s);
    add("ready", std::optional<double>(t.ready_s));
    add("first 2xx", t.first_2xx_s);
    add("page load", t.page_load_s);
    std::stable_sort(phases.begin(), phases.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    return phases;
}

void add_startup(TraceEvents& trace, double zero_us, int tid, std::size_t run,
                 const dev::StartupTimeline& t) {
    std::vector<std::pair<std::string, double>> phases = phases_in_order(t);
    // Every time of the run as one expression of its seconds: a phase's end and the next one's
    // start (and the last phase's end and the run's) are then the same number.
    auto us_at = [zero_us](double s) { return zero_us + s * us_per_s; };
    double last_s = phases.empty() ? t.ready_s : phases.back().second;
    json args = {{"run", run}};
    for (const auto& [name, at] : phases) { // "first output" -> first_output_ms, from the spawn
        std::string key = name + "_ms";
        std::replace(key.begin(), key.end(), ' ', '_');
        args[key] = (at - t.spawned_s) * 1000;
    }
    trace.span(dev_pid, tid, "start-up #" + std::to_string(run), "startup", us_at(t.spawned_s),
               us_at(last_s), args);
    double from_s = t.spawned_s;
    std::string from = "spawn";
    for (const auto& [name, at] : phases) {
        trace.span(dev_pid, tid, from + " -> " + name, "phase", us_at(from_s), us_at(at),
                   {{"from_spawn_ms", (at - t.spawned_s) * 1000}});
        from_s = at;
        from = name;
    }
}

void add_reload(TraceEvents& trace, double zero_us, int tid, std::size_t number,
                const dev::ReloadTimeline& r) {
    double edit_us = zero_us + r.edited_s * us_per_s;
    double longest_s = 0;
    json args = {{"reload", number}};
    std::vector<std::pair<std::string, double>> clocks;
    auto add = [&](const char* name, const std::optional<double>& s) {
        if (s) {
            longest_s = std::max(longest_s, *s);
            args[std::string(name) + "_ms"] = *s * 1000;
            clocks.emplace_back(name, *s);
        }
    };
    add("server_log", r.server_log_s);
    add("hmr", r.hmr_s);
    add("browser", r.browser_s);
    if (!r.hmr_message.empty()) {
        args["hmr_message"] = r.hmr_message;
    }
    trace.complete(dev_pid, tid, "reload #" + std::to_string(number), "reload", edit_us,
                   longest_s * us_per_s, args);
    for (const auto& [name, s] : clocks) {
        trace.instant(dev_pid, tid, name, "reload", edit_us + s * us_per_s,
                      {{"ms_from_edit", s * 1000}});
    }
}

} // namespace

void add_dev_session(TraceEvents& trace, const dev::DevResult& result) {
    trace.process_name(dev_pid, "farm perf:dev");
    double zero_us = trace.us(result.started);
    int tid = 0;
    for (const dev::ServiceMeasurement& service : result.services) {
        int startup_tid = ++tid;
        trace.thread_name(dev_pid, startup_tid, service.name + " start-up", startup_tid);
        for (std::size_t run = 0; run < service.startups.size(); ++run) {
            add_startup(trace, zero_us, startup_tid, run + 1, service.startups[run]);
        }
        if (service.reloads.empty()) {
            continue;
        }
        int reload_tid = ++tid;
        trace.thread_name(dev_pid, reload_tid, service.name + " reloads", reload_tid);
        for (std::size_t n = 0; n < service.reloads.size(); ++n) {
            add_reload(trace, zero_us, reload_tid, n + 1, service.reloads[n]);
        }
    }
}

} // namespace farm::report
