// Verdicts and advice on dev services, from the seeds' thresholds (overridable in
// farm.config.json under thresholds.dev):
//   start-up over the threshold of the service's kind   (database 5 s, ollama 10 s,
//                                                         backend 3 s, frontend 2 s, other 5 s)
//   the page's first 2xx over that threshold, the service itself ready in time (Next.js
//   compiles a route on its first request)
//   hot reload: fast under 100 ms, slow over 500 ms, judged on the clock the developer waits
//   for: the browser's when it ran, else the HMR message's, else the first clock that stopped
//   the browser showing an edit more than 200 ms after the server's HMR message
// Each piece of advice names the numbers that triggered it (with the start-up's longest phase)
// and what to try, for that kind. The findings come from one perf:dev session or, through
// dev_findings_from_runs, from the history (`farm optimize`, the dashboard's alerts).
#pragma once

#include "farm/analysis/build_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/history/run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

struct DevServiceFindings {
    std::string name;
    std::string kind;                       // database, ollama, backend, frontend, other
    std::string framework;                  // "Next.js", "Vite", "" (dev::ServiceSpec)
    std::optional<double> startup_median_s; // over the runs
    std::size_t startup_runs = 0;
    // The start-up phases, medians over the runs, in seconds from the spawn.
    std::optional<double> first_output_s, port_open_s, first_2xx_s, page_load_s;
    std::optional<double> reload_median_s; // over the reloads (the first clock that stopped)
    std::size_t reloads = 0;
    // The reload clocks, medians over the reloads, in ms from the edit.
    std::optional<double> server_log_ms, hmr_ms, browser_ms;
};

struct DevVerdict {
    double startup_threshold_s = 0;
    std::string startup;      // "ok", "slow", "" when not measured
    std::string reload;       // "fast", "ok", "slow", "" when not measured
    std::string reload_clock; // what the reload verdict was judged on: browser_ms, hmr_ms, reload_s
    std::optional<double> reload_waited_s; // that clock's median
};

DevVerdict judge_dev_service(const DevServiceFindings& findings,
                             const core::DevThresholds& thresholds);

std::vector<Advice> advise_dev(const std::vector<DevServiceFindings>& services,
                               const core::DevThresholds& thresholds);

// The findings of each service from stored dev runs (subjects startup:NAME and reload:NAME, the
// newest of each first): one per service, in the order the runs name them.
std::vector<DevServiceFindings> dev_findings_from_runs(const std::vector<history::Run>& runs);

} // namespace farm::analysis
