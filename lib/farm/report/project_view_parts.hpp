// Internal to report/: what the JSON and the terminal views of a measured project
// (project_view.cpp, project_view_text.cpp) both read from its recorded runs.
#pragma once

#include "farm/history/run.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/report/project_view.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report::detail {

// The run recorded for `subject` ("install:warm", "build:@acme/web"); nullptr when none.
const history::Run* find_run(const ProjectReport& report, const std::string& subject);

// The median of a metric over the run's iterations; nullopt when it was not measured.
std::optional<double> median_metric(const history::Run& run, const std::string& name);

// Hit rate over all timed runs together; nullopt when nothing was fetched at all.
std::optional<double> overall_hit_rate(const pnpm::InstallOutcome& install);

// The timed runs (1-based) of a scenario meant to find every package in the store (warm, prod,
// offline) that fetched packages all the same: their times include downloads.
std::vector<std::size_t> not_warm_runs(pnpm::InstallScenario scenario,
                                       const std::vector<pnpm::InstallStats>& stats);

} // namespace farm::report::detail
