// Advice on a pnpm project's install and builds, each item with the numbers that triggered it and
// the threshold it crossed (thresholds from farm.config.json; defaults from the seeds):
//   a build over 30 s           incremental builds, caching, code splitting
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

std::vector<Advice> advise_build(const std::optional<InstallFindings>& install,
                                 const std::vector<PackageFindings>& packages,
                                 const core::Thresholds& thresholds);

} // namespace farm::analysis
