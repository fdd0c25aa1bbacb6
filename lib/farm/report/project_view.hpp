// Shows a measured pnpm project: the JSON document (schema farm.project/1, docs/json.md) and the
// terminal summary: the install with its store hits, each package's build, output sizes, budgets
// and advice. "nothing to fetch" is said as such, never as a 0% hit rate.
#pragma once

#include "farm/report/project_record.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

// A package's output in the JSON (packages[].output, build.tasks[].output): sizes, which folder
// and why, source maps, Next.js routes, the hint.
nlohmann::json package_output_json(const pnpm::PackageOutput& output);

nlohmann::json project_to_json(const pnpm::ProjectBenchmarkPlan& plan,
                               const pnpm::ProjectBenchmarkResult& result,
                               const ProjectReport& report,
                               const std::vector<analysis::BudgetResult>& budgets,
                               const std::vector<analysis::Advice>& advice);

std::string render_project(const pnpm::ProjectBenchmarkPlan& plan,
                           const pnpm::ProjectBenchmarkResult& result, const ProjectReport& report,
                           const std::vector<analysis::BudgetResult>& budgets,
                           const std::vector<analysis::Advice>& advice, bool color,
                           std::size_t width = 0);

} // namespace farm::report
