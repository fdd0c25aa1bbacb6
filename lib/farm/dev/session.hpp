// One measurement of a project's dev services, as `farm perf:dev` runs it.
//
// Each run starts every service at once (each in its own process group), waits until each is
// ready (start-up time: from its spawn to the moment its ready check first succeeds), notes the
// start-up phases on the way (first output, port open, then the first 2xx or 3xx of its page,
// which also makes a framework like Next.js compile the page, and with a browser the page's load
// event), samples the CPU and RSS of each service's process tree for `duration_s`, and, in the
// last run only, causes `reloads` hot reloads of each service that has a reload setting, timed
// from the file edit by up to three clocks: the configured server signal, the dev server's HMR
// message and the browser showing the edit. Then every service is stopped. docs/metrics.md
// defines each number.
//
// Guarantees: whatever happens (a service that cannot start, never gets ready, dies, an
// interrupt, an exception) every service's whole process tree is stopped before measure_dev
// returns or throws, and a file edited for a reload gets its original content back. Chromium,
// when used, is stopped with its whole process tree too. Failures are reported in the result,
// never printed.
#pragma once

#include "farm/dev/service_plan.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::dev {

struct DevPlan {
    std::vector<ServiceSpec> services;
    std::size_t runs = 3;
    std::size_t reloads = 3;
    double duration_s = 2;   // sampling window after every service is ready
    double timeout_s = 30;   // per service, from its spawn, for readiness and for each reload
    double sample_hz = 10;   // process-tree samples a second in the window
    double settle_s = 0.3;   // quiet time after a reload before the next edit
    double kill_grace_s = 3; // SIGTERM to SIGKILL when stopping
    // Not empty: the Chromium (dev::find_chromium) that loads each service's page and times
    // reloads as the browser shows them.
    std::string chromium;
};

// One run's start-up of a service on the session's clock (seconds from DevResult::started), for
// a timeline (--trace): its spawn, the moment it was ready and each phase that was seen.
struct StartupTimeline {
    double spawned_s = 0;
    double ready_s = 0;
    std::optional<double> first_output_s;
    std::optional<double> port_open_s;
    std::optional<double> first_2xx_s;
    std::optional<double> page_load_s;
};

// One reload on the session's clock: when the file was edited, and each clock that ran, in
// seconds from the edit, with the HMR message that stopped the HMR clock.
struct ReloadTimeline {
    double edited_s = 0;
    std::optional<double> server_log_s;
    std::optional<double> hmr_s;
    std::string hmr_message; // "vite:update", "next:built"... (hmr_message_name); empty: no HMR
    std::optional<double> browser_s;
};

struct ServiceMeasurement {
    std::string name;
    std::string kind;
    std::string framework; // ServiceSpec::framework
    std::string command;
    std::vector<double> startup_s;      // one per completed run
    std::vector<double> cpu_cores_mean; // one per completed run (window CPU s / window s)
    std::vector<double> rss_peak_bytes; // one per completed run (peak of the tree's RSS sum)
    // Start-up phases, seconds from the spawn, one per run where the phase was seen: the first
    // output line, the port accepting connections, the page's first 2xx or 3xx answer, the
    // page's load event in the browser.
    std::vector<double> first_output_s;
    std::vector<double> port_open_s;
    std::vector<double> first_2xx_s;
    std::vector<double> page_load_s;
    // The last run's reloads, one clock each, milliseconds from the edit: the configured signal
    // (an output line, or the body of a URL changing), the HMR message, the browser showing it.
    std::vector<double> server_log_ms;
    std::vector<double> hmr_ms;
    std::vector<double> browser_ms;
    std::vector<double> reload_s; // the first of the clocks above that ran, in seconds
    std::string page_url;         // where the page and the HMR socket were found; empty: none
    std::string hmr_protocol;     // "vite-hmr", "next-webpack-hmr"...; empty: none connected
    std::string browser_note;     // why there is no browser clock, when --browser was given
    std::vector<StartupTimeline> startups; // one per completed run
    std::vector<ReloadTimeline> reloads;   // the last run's reloads
};

enum class DevOutcome { completed, failed, interrupted };

struct DevResult {
    DevOutcome outcome = DevOutcome::completed;
    std::string failure; // what went wrong, naming the service, with its last output lines
    std::vector<ServiceMeasurement> services;
    double total_s = 0;
    std::chrono::steady_clock::time_point started{}; // the zero of the timelines
    // Per run, seconds from the first spawn: until every service was ready, and until every
    // service's page answered (and, with a browser, loaded).
    std::vector<double> ready_total_s;
    std::vector<double> page_total_s;
    std::vector<std::int64_t> service_pids; // every service's pid (= process group) ever started
    std::vector<std::int64_t> browser_pids; // Chromium's, when one was started
};

// Before anything starts: throws farm::UsageError when the port of a service's ready check
// already accepts connections (another process holds it, and the check would pass at once).
void check_ports_free(const std::vector<ServiceSpec>& services);

// Progress is told in short sentences ("run 1/3: web ready in 412 ms") with the share of the
// session done: start-ups and reloads count one step each.
struct DevProgress {
    std::string text;
    std::size_t done = 0;  // start-ups and reloads that ended
    std::size_t total = 0; // planned: runs + reloads of each service with a reload setting
};
DevResult measure_dev(const DevPlan& plan,
                      const std::function<void(const DevProgress&)>& progress = {});

} // namespace farm::dev
