// The build of a workspace through its task runner (turbo, Nx): every run is the runner's whole
// build (`turbo run build --summarize`), timed by farm as one command, so its wall time is what
// a developer waits for. Each run's per-task timings come from the runner's own record of it
// (turbo's run summary, Nx's task profile), found after the run and removed again, since farm
// made it.
//
// The build state is reset before every run (warm-ups included), untimed:
//   clean        every building package's output folders and the build caches inside the
//                workspace are removed (turbo's .turbo/cache, .next/cache, *.tsbuildinfo,
//                node_modules/.cache, .vite), and the runner is told to ignore its cache;
//                never the pnpm store, never node_modules itself;
//   incremental  nothing is removed; the runner still ignores its cache, the tools' own
//                incremental state is kept;
//   cached       nothing is removed and the runner's cache is used, after one warm-up run that
//                fills it, so every timed task is a cache hit.
#pragma once

#include "farm/pnpm/project_benchmark.hpp"
#include "farm/pnpm/runner_result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

// Removes what `clean` removes for one package: its output folders (plan.output_dirs; when none
// are configured, the one found for its framework, else dist), .next/cache, its
// node_modules/.cache and .vite, and every *.tsbuildinfo under it (node_modules not searched).
void clean_package_state(const ProjectBenchmarkPlan& plan, const Package& package);

// Removes what `clean` removes for the workspace: clean_package_state of every package that
// has the script, and turbo's cache (.turbo/cache) and node_modules/.cache of the root.
void clean_workspace_state(const ProjectBenchmarkPlan& plan);

// Runs the build through plan.runner (not pnpm); throws farm::UsageError when its binary is
// missing or its turbo.json does not parse.
RunnerBuild run_runner_build(const ProjectBenchmarkPlan& plan, const StepProgress& progress);

} // namespace farm::pnpm
