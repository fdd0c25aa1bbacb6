// The start-up phases of one run of a perf:dev session, recorded per service and across services
// (see session_parts.hpp).
#include "farm/dev/session_parts.hpp"

#include <algorithm>

namespace farm::dev::detail {

namespace {

StartupTimeline startup_timeline(const Running& r, Clock::time_point origin) {
    auto at = [&](const std::optional<Clock::time_point>& t) -> std::optional<double> {
        return t ? std::optional(std::max(0.0, seconds(*t - origin))) : std::nullopt;
    };
    double spawned_s = std::max(0.0, seconds(r.service->started() - origin));
    return {spawned_s,          std::max(spawned_s, seconds(r.ready_at - origin)),
            at(r.first_output), at(r.port_open),
            at(r.first_2xx),    at(r.page_loaded)};
}

} // namespace

void record_phases(const std::vector<Running>& running, DevResult& result) {
    Clock::time_point first_spawn = running.front().service->started();
    double ready_total = 0;
    double page_total = 0;
    bool any_page = false;
    for (std::size_t i = 0; i < running.size(); ++i) {
        const Running& r = running[i];
        ServiceMeasurement& m = result.services[i];
        Clock::time_point spawn = r.service->started();
        first_spawn = std::min(first_spawn, spawn);
        auto since_spawn = [&](const std::optional<Clock::time_point>& at) {
            return std::max(0.0, seconds(*at - spawn));
        };
        m.startup_s.push_back(r.startup_s);
        if (r.first_output) {
            m.first_output_s.push_back(since_spawn(r.first_output));
        }
        if (r.port_open) {
            m.port_open_s.push_back(since_spawn(r.port_open));
        }
        if (r.first_2xx) {
            m.first_2xx_s.push_back(since_spawn(r.first_2xx));
        }
        if (r.page_loaded) {
            m.page_load_s.push_back(since_spawn(r.page_loaded));
        }
        m.page_url = r.page_url();
        m.startups.push_back(startup_timeline(r, result.started));
    }
    for (const Running& r : running) {
        ready_total = std::max(ready_total, seconds(r.ready_at - first_spawn));
        std::optional<Clock::time_point> page_at = r.page_loaded ? r.page_loaded : r.first_2xx;
        if (page_at) {
            any_page = true;
            page_total = std::max(page_total, seconds(*page_at - first_spawn));
        }
    }
    result.ready_total_s.push_back(ready_total);
    if (any_page) {
        result.page_total_s.push_back(page_total);
    }
}

} // namespace farm::dev::detail
