#include "farm/analysis/build_advice.hpp"

#include "farm/core/fixed_text.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cstdio>

namespace farm::analysis {

namespace {

// Sizes in the one unit scheme of every view: powers of 1024, "MiB".
std::string size_text(std::int64_t bytes) {
    return core::describe_bytes(std::uintmax_t(std::max<std::int64_t>(bytes, 0)));
}

// The build cache of the package's own framework: a Next.js app is not helped by Vite's.
std::string build_cache_suggestion(const std::string& framework) {
    if (framework == "Next.js") {
        return "keep Next's build cache (.next/cache) between builds: in CI, cache that folder "
               "(next build reuses it; removing .next throws it away)";
    }
    if (framework == "Vite") {
        return "build incrementally (the bundler's persistent cache; tsc --incremental for "
               "type-checking)";
    }
    return "build incrementally (tsc --incremental, the bundler's persistent cache)";
}

std::string output_subject(const PackageFindings& p) {
    return p.output_source.empty() ? "build output" : "browser output (" + p.output_source + ")";
}

// How to cache build outputs, in the words of the workspace's runner (or the advice to adopt one).
std::string caching_suggestion(const std::string& runner) {
    if (runner == "turbo") {
        return "let turbo's cache replay unchanged packages: declare each task's outputs (and "
               "inputs) in turbo.json, and share the cache in CI (remote cache)";
    }
    if (runner == "nx") {
        return "let Nx's cache replay unchanged projects: declare each target's outputs and "
               "inputs in nx.json, and share the cache in CI";
    }
    return "cache build outputs between runs (turbo or nx caching)";
}

// The runner's whole build (turbo run build) over the threshold: what a developer waits for.
void advise_runner_wall(std::vector<Advice>& advice, const RunnerFindings& r,
                        const core::Thresholds& t) {
    if (!r.wall_median_s || *r.wall_median_s <= t.build_slow_s) {
        return;
    }
    advice.push_back(
        {"build:total",
         "slow_build",
         "`" + r.command + "` takes " + core::fixed(*r.wall_median_s, 1) +
             " s (wall time, median of " + core::count_of(r.runs, "run") + "), over " +
             core::fixed(t.build_slow_s, 0) + " s",
         {"shorten the critical path (the chain of tasks shown above): split or "
          "speed up its slowest package",
          caching_suggestion(r.runner),
          "build only what changed (" +
              std::string(r.runner == "nx" ? "nx affected" : "turbo --affected") + ")"}});
}

} // namespace

std::vector<Advice> advise_build(const std::optional<InstallFindings>& install,
                                 const std::vector<PackageFindings>& packages,
                                 const core::Thresholds& t, const RunnerFindings& runner) {
    std::vector<Advice> advice;
    advise_runner_wall(advice, runner, t);
    for (const PackageFindings& p : packages) {
        if (p.build_median_s && *p.build_median_s > t.build_slow_s) {
            advice.push_back(
                {"build:" + p.name,
                 "slow_build",
                 "build takes " + core::fixed(*p.build_median_s, 1) + " s (median of " +
                     core::count_of(p.build_runs, "run") + "), over " +
                     core::fixed(t.build_slow_s, 0) + " s",
                 {build_cache_suggestion(p.framework), caching_suggestion(runner.runner),
                  "split the code so that less is rebuilt on each change"}});
        }
        if (p.output_bytes && *p.output_bytes > t.output_large_bytes) {
            advice.push_back({"build:" + p.name,
                              "large_output",
                              output_subject(p) + " is " + size_text(*p.output_bytes) +
                                  " (raw, source maps left out), over " +
                                  size_text(t.output_large_bytes),
                              {"split the code by route (code splitting)",
                               "let the bundler tree-shake: ES modules, sideEffects: false",
                               "load heavy modules on demand with dynamic import()"}});
        }
    }
    if (!install) {
        return advice;
    }
    std::string subject = "install:" + install->scenario;
    std::size_t fetched = install->reused + install->downloaded;
    if (fetched > 0 && install->scenario != "cold") {
        double rate = double(install->reused) / double(fetched);
        if (rate < t.store_hit_rate_min) {
            advice.push_back(
                {subject,
                 "low_store_hits",
                 "the store served " + core::fixed(rate * 100, 0) + "% of packages (" +
                     std::to_string(install->reused) + " reused, " +
                     std::to_string(install->downloaded) + " downloaded over " +
                     core::count_of(install->runs, "run") + "), under " +
                     core::fixed(t.store_hit_rate_min * 100, 0) + "%",
                 {"keep the store between runs (in CI, cache the folder `pnpm store path` prints)",
                  "run `pnpm fetch` early (it fills the store from the lockfile alone)",
                  "keep the store on the same filesystem as the project"}});
        }
    }
    if (install->import_method == "copy") {
        advice.push_back(
            {subject,
             "copy_import",
             "pnpm copied packages into node_modules instead of hard-linking them" +
                 (install->store_dir.empty() ? std::string()
                                             : " (store: " + install->store_dir + ")"),
             {"put the store on the same filesystem as the project (storeDir in "
              "pnpm-workspace.yaml, store-dir in .npmrc for pnpm 9), so hard links work",
              "or let `farm optimize:pnpm` check and propose a storeDir"}});
    }
    if (install->median_s > t.install_slow_s) {
        advice.push_back({subject,
                          "slow_install",
                          "install takes " + core::fixed(install->median_s, 1) + " s (median of " +
                              core::count_of(install->runs, "run") + "), over " +
                              core::fixed(t.install_slow_s, 0) + " s",
                          {"commit the lockfile and install with --frozen-lockfile",
                           "use --prefer-offline so the store answers before the registry",
                           "keep the store warm between runs (see the store hit rate)"}});
    }
    return advice;
}

} // namespace farm::analysis
