#include "farm/analysis/dev_advice.hpp"

#include <cmath>

namespace farm::analysis {

namespace {

std::string ms(double seconds) {
    return std::to_string(std::llround(seconds * 1000)) + " ms";
}

double startup_threshold(const std::string& kind, const core::DevThresholds& t) {
    auto it = t.startup_s.find(kind);
    if (it != t.startup_s.end()) {
        return it->second;
    }
    auto other = t.startup_s.find("other");
    return other != t.startup_s.end() ? other->second : 5.0;
}

std::vector<std::string> startup_suggestions(const std::string& kind) {
    if (kind == "frontend") {
        return {"keep the bundler's dependency cache between starts (Vite: node_modules/.vite; "
                "do not run with --force)",
                "leave type-checking and linting out of the dev server's start (run tsc --watch "
                "beside it)",
                "pre-bundle fewer dependencies at start: load heavy routes and libraries lazily"};
    }
    if (kind == "backend") {
        return {"run TypeScript with a transpile-only loader (tsx, swc) instead of type-checking "
                "at start",
                "open database and queue connections lazily, on first use",
                "import heavy modules where they are used, not at start-up"};
    }
    if (kind == "database") {
        return {"keep the data volume between starts instead of re-creating and seeding it",
                "run migrations only when they changed, not on every start",
                "use a local image that is already pulled and a smaller initial data set"};
    }
    if (kind == "ollama") {
        return {"keep the model loaded between requests (OLLAMA_KEEP_ALIVE) instead of restarting",
                "preload the model once at start with an empty request",
                "use a smaller or more quantised model for development"};
    }
    return {"find what the start-up waits for (network, migrations, compilation) in its output",
            "defer work that the first request does not need"};
}

} // namespace

DevVerdict judge_dev_service(const DevServiceFindings& f, const core::DevThresholds& t) {
    DevVerdict verdict;
    verdict.startup_threshold_s = startup_threshold(f.kind, t);
    if (f.startup_median_s) {
        verdict.startup = *f.startup_median_s > verdict.startup_threshold_s ? "slow" : "ok";
    }
    if (f.reload_median_s) {
        verdict.reload = *f.reload_median_s < t.reload_fast_s   ? "fast"
                         : *f.reload_median_s > t.reload_slow_s ? "slow"
                                                                : "ok";
    }
    return verdict;
}

std::vector<Advice> advise_dev(const std::vector<DevServiceFindings>& services,
                               const core::DevThresholds& t) {
    std::vector<Advice> advice;
    for (const DevServiceFindings& f : services) {
        DevVerdict verdict = judge_dev_service(f, t);
        if (verdict.startup == "slow") {
            advice.push_back({"startup:" + f.name, "slow_startup",
                              f.kind + " service takes " + ms(*f.startup_median_s) +
                                  " to be ready (median of " + std::to_string(f.startup_runs) +
                                  " runs), over " + ms(verdict.startup_threshold_s),
                              startup_suggestions(f.kind)});
        }
        if (verdict.reload == "slow") {
            advice.push_back(
                {"reload:" + f.name,
                 "slow_reload",
                 "a hot reload takes " + ms(*f.reload_median_s) + " (median of " +
                     std::to_string(f.reloads) + "), over " + ms(t.reload_slow_s),
                 {"watch less: ignore node_modules, dist, .git and generated files",
                  "use hot module replacement instead of restarting the process (Vite HMR, "
                  "node --watch only for back ends)",
                  "keep type-checking out of the reload path (a separate tsc --watch)"}});
        }
    }
    return advice;
}

} // namespace farm::analysis
