// The pieces of one `farm perf:dev` session that its two files share: session.cpp starts the
// services and times their start-up, startup_record.cpp records its phases, reload_clocks.cpp
// times their reloads. Not for other callers.
#pragma once

#include "farm/dev/browser.hpp"
#include "farm/dev/readiness.hpp"
#include "farm/dev/session.hpp"
#include "farm/exec/service.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace farm::dev::detail {

using Clock = std::chrono::steady_clock;
using Progress = std::function<void(const std::string&)>;

double seconds(Clock::duration d);
std::string seconds_text(double s);
std::string ms_text(double s);

// How a session ends early; caught once in measure_dev.
struct SessionStop {
    DevOutcome outcome;
    std::string message;
};

// Sleeps up to `wait_s`; throws SessionStop when an interrupt (Ctrl-C, SIGTERM) arrived.
void stop_if_interrupted(double wait_s);

struct Running {
    const ServiceSpec* spec = nullptr;
    std::unique_ptr<exec::Service> service;
    std::optional<std::regex> ready_pattern;
    std::uint64_t seen = 0;
    PrintedAddress printed;
    bool ready = false;
    double startup_s = 0;
    Clock::time_point ready_at{};
    std::optional<Clock::time_point> first_output;
    std::optional<Clock::time_point> port_open;
    std::optional<Clock::time_point> first_2xx;
    std::optional<Clock::time_point> page_loaded;

    // The page the service serves: reload.page, ready.url, or the local URL it printed; empty
    // when there is none (a database).
    std::string page_url() const;
};

// "It printed nothing." or its last lines, for a failure's message.
std::string last_output(const exec::Service& service);

// Throws SessionStop when the service has exited, saying so `when`.
void check_alive(Running& r, const std::string& when);

// Adds this run's start-up phases (spawn -> first output -> port open -> first 2xx -> page load)
// of each service to `result`, with the run's timelines and the totals across services.
void record_phases(const std::vector<Running>& running, DevResult& result);

// Times `plan.reloads` reloads of each service that has a reload setting (see session.hpp).
void measure_reloads(const DevPlan& plan, std::vector<Running>& running,
                     std::vector<ServiceMeasurement>& measurements, Browser* browser,
                     const Progress& progress, Clock::time_point origin);

} // namespace farm::dev::detail
