// The install step of a project benchmark (pnpm::benchmark_project): the scenario's state reset
// before every run, one ndjson parser per timed run, and the scratch store of the cold scenario.
// Internal to lib/farm/pnpm: only project_benchmark*.cpp include it.
#pragma once

#include "farm/pnpm/project_benchmark.hpp"

#include <filesystem>

namespace farm::pnpm {

// A temporary folder for the cold scenario's store and cache, removed when done.
class ScratchFolder {
  public:
    ScratchFolder();
    ~ScratchFolder();
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

// The plan of one step: the shared run settings with this command, run in `cwd` with pnpm's
// environment.
measure::RunPlan step_plan(const ProjectBenchmarkPlan& plan, std::vector<std::string> argv,
                           const std::filesystem::path& cwd);

// Runs the install in plan.install's scenario; `scratch` holds the cold scenario's store.
InstallOutcome run_install(const ProjectBenchmarkPlan& plan, const std::filesystem::path& scratch,
                           const StepProgress& progress);

} // namespace farm::pnpm
