// Shows how a pnpm project was built: the `build` object of farm.project/1 (runner, state, and
// with turbo or nx the runner's wall time, its tasks with their cache status, the critical path
// and the parallelism achieved) and the terminal section of a runner build, which says what
// build:total is ("turbo run build, wall time, median of N runs") and the cache hits and misses.
#pragma once

#include "farm/report/project_record.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace farm::report {

nlohmann::json build_json(const pnpm::ProjectBenchmarkPlan& plan,
                          const pnpm::ProjectBenchmarkResult& result, const ProjectReport& report);

// Empty without a runner build.
std::string render_runner_build(const pnpm::ProjectBenchmarkPlan& plan,
                                const pnpm::ProjectBenchmarkResult& result,
                                const ProjectReport& report, bool color, std::size_t width = 0);

} // namespace farm::report
