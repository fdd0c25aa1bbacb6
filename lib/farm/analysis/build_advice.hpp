// Advice on a pnpm project's install and builds, each item with the numbers that triggered it and
// the threshold it crossed (thresholds from farm.config.json; defaults from the seeds):
//   a build over 30 s           incremental builds, caching, code splitting (with turbo or nx:
//                               the runner's wall time, and its cache, never "adopt a runner")
//   an output over 5 MB         code splitting, tree-shaking, dynamic imports
//   a store hit rate under 70%  keep the store between runs, `pnpm fetch`, same-filesystem store
//   import method `copy`        the store is on another filesystem than the project
//   an install over 60 s        the above, plus a frozen lockfile and --prefer-offline
#pragma once

#include "farm/core/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farm::analysis {

struct Advice {
    std::string subject; // "build:@example/web", "install:warm"
    std::string rule;    // "slow_build", "large_output", "low_store_hits", "copy_import", ...
    std::string finding; // what was measured, with numbers
    std::vector<std::string> suggestions;
};

struct PackageFindings {
    std::string name;
    std::optional<double> build_median_s;
    std::size_t build_runs = 0;
    std::optional<std::int64_t> output_bytes; // what a browser gets (source maps left out)
    std::string output_source;                // "Next.js: .next/static"
    std::string framework;                    // "Next.js", "Vite"; empty when not recognised
};

struct InstallFindings {
    std::string scenario;
    double median_s = 0;
    std::size_t runs = 0;
    std::size_t reused = 0;     // summed over runs
    std::size_t downloaded = 0; // summed over runs
    std::string import_method;
    std::string store_dir;
};

// The workspace's task runner: `runner` is "turbo" or "nx" when the workspace has one (whoever
// ran this build), "" otherwise; `wall_median_s` is the runner's own build, when farm ran it.
// A workspace with a runner is never told to adopt one, and its slow_build advice reads the
// runner's wall time (what a developer waits for), not the packages' sum.
struct RunnerFindings {
    std::string runner;
    std::string command; // "turbo run build --summarize --force"
    std::optional<double> wall_median_s;
    std::size_t runs = 0;
};

std::vector<Advice> advise_build(const std::optional<InstallFindings>& install,
                                 const std::vector<PackageFindings>& packages,
                                 const core::Thresholds& thresholds,
                                 const RunnerFindings& runner = {});

} // namespace farm::analysis
