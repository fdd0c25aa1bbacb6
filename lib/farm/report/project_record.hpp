// Turns a measured pnpm project (pnpm::benchmark_project) into what farm records and shows:
// history runs, one per subject: install:<scenario>, build:<package>, build:total (run k is the
// sum of every package's run k) and size:<package>. Every run of one invocation shares the same
// context and start time. A failed package's runs are recorded with status failed and give no
// findings; skipped and not-run packages record nothing; build:total exists only when every
// package's build completed.
#pragma once

#include "farm/analysis/budgets.hpp"
#include "farm/analysis/build_advice.hpp"
#include "farm/history/run.hpp"
#include "farm/pnpm/project_benchmark.hpp"

#include <string>
#include <vector>

namespace farm::report {

struct ProjectReport {
    std::vector<history::Run> runs; // ids filled in once recorded
    std::optional<analysis::InstallFindings> install;
    std::vector<analysis::PackageFindings> packages;
    analysis::RunnerFindings runner; // the workspace's task runner, and its build when it ran it
};

// The command as a person would type it: the binary by its name, not its path.
std::string display_command(std::vector<std::string> argv);

// `base` carries the context, folder, start time and duration shared by every run.
ProjectReport project_runs(const pnpm::ProjectBenchmarkPlan& plan,
                           const pnpm::ProjectBenchmarkResult& result, const history::Run& base);

} // namespace farm::report
