// Verdicts and advice on dev services, from the seeds' thresholds (overridable in
// farm.config.json under thresholds.dev):
//   start-up over the threshold of the service's kind   (database 5 s, ollama 10 s,
//                                                         backend 3 s, frontend 2 s, other 5 s)
//   hot reload: fast under 100 ms, slow over 500 ms
// Each piece of advice names the numbers that triggered it and what to try, for that kind.
#pragma once

#include "farm/analysis/build_advice.hpp"
#include "farm/core/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

struct DevServiceFindings {
    std::string name;
    std::string kind;                       // database, ollama, backend, frontend, other
    std::optional<double> startup_median_s; // over the runs
    std::size_t startup_runs = 0;
    std::optional<double> reload_median_s; // over the reloads
    std::size_t reloads = 0;
};

struct DevVerdict {
    double startup_threshold_s = 0;
    std::string startup; // "ok", "slow", "" when not measured
    std::string reload;  // "fast", "ok", "slow", "" when not measured
};

DevVerdict judge_dev_service(const DevServiceFindings& findings,
                             const core::DevThresholds& thresholds);

std::vector<Advice> advise_dev(const std::vector<DevServiceFindings>& services,
                               const core::DevThresholds& thresholds);

} // namespace farm::analysis
