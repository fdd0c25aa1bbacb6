#include "farm/analysis/dev_advice.hpp"

#include "farm/core/text.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace farm::analysis {

namespace {

std::string ms_of_seconds(double seconds) {
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

// A front end's start-up, in its framework's own terms where farm knows it.
std::vector<std::string> frontend_startup_suggestions(const std::string& framework) {
    if (framework == "Next.js") {
        return {"run `next dev --turbopack`: Turbopack starts and compiles faster than webpack",
                "keep the .next folder between starts (its cache holds compiled modules)",
                "trim what next.config loads at start (plugins, instrumentation, large "
                "environment files)"};
    }
    if (framework == "Vite") {
        return {"keep the dependency pre-bundle cache between starts (node_modules/.vite; do not "
                "run with --force)",
                "leave type-checking and linting out of the dev server's start "
                "(vite-plugin-checker in a worker, or tsc --watch beside it)",
                "pre-bundle fewer dependencies at start: load heavy routes and libraries lazily"};
    }
    return {"keep the bundler's dependency cache between starts (Vite: node_modules/.vite; "
            "Next.js: .next/cache)",
            "leave type-checking and linting out of the dev server's start (run tsc --watch "
            "beside it)",
            "pre-bundle fewer dependencies at start: load heavy routes and libraries lazily"};
}

// The first request's compile, in the framework's own terms where farm knows it.
std::vector<std::string> first_page_suggestions(const std::string& framework) {
    std::string compile =
        framework == "Next.js"
            ? "the first request compiles the page (Next.js compiles each route on demand; "
              "`next dev --turbopack` compiles faster than webpack)"
        : framework == "Vite"
            ? "the first request transforms the page's modules: warm them up at start "
              "(server.warmup.clientFiles)"
            : "the first request compiles the page (Next.js compiles each route on demand; with "
              "webpack, Turbopack's next dev --turbopack compiles faster; Vite: server.warmup)";
    std::string barrels =
        framework == "Next.js"
            ? "import what the page uses directly instead of through barrel files that "
              "re-export a whole library (experimental.optimizePackageImports)"
            : "import what the page uses directly instead of through barrel files that "
              "re-export a whole library" +
                  std::string(framework.empty() ? " (Next.js: experimental.optimizePackageImports)"
                                                : "");
    return {compile, barrels,
            "load heavy components and libraries lazily (dynamic import) so the first compile "
            "is small"};
}

std::vector<std::string> startup_suggestions(const std::string& kind,
                                             const std::string& framework) {
    if (kind == "frontend") {
        return frontend_startup_suggestions(framework);
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

// ", the longest phase: port open -> first 2xx, 1800 ms" from the phases measured that end by
// `until_s` (the start-up's phases end when the service is ready; the first page's go on to the
// page); "" when none was.
std::string longest_phase(const DevServiceFindings& f, double until_s) {
    const std::array<std::pair<const char*, std::optional<double>>, 5> phases = {{
        {"spawn", 0.0},
        {"first output", f.first_output_s},
        {"port open", f.port_open_s},
        {"first 2xx", f.first_2xx_s},
        {"page load", f.page_load_s},
    }};
    std::string best;
    double longest = -1;
    const std::pair<const char*, std::optional<double>>* previous = &phases[0];
    for (std::size_t i = 1; i < phases.size(); ++i) {
        if (!phases[i].second || *phases[i].second > until_s + 1e-9) {
            continue;
        }
        double length = *phases[i].second - *previous->second;
        if (length > longest) {
            longest = length;
            best = std::string(previous->first) + " -> " + phases[i].first;
        }
        previous = &phases[i];
    }
    return best.empty()
               ? ""
               : "; the longest phase: " + best + ", " + ms_of_seconds(std::max(0.0, longest));
}

std::string reload_clock_name(const std::string& clock) {
    return clock == "browser_ms" ? "until the browser shows it"
           : clock == "hmr_ms"   ? "until the dev server's HMR message"
                                 : "";
}

void add_reload_advice(std::vector<Advice>& advice, const DevServiceFindings& f,
                       const DevVerdict& verdict, const core::DevThresholds& t) {
    if (verdict.reload == "slow") {
        std::string clock = reload_clock_name(verdict.reload_clock);
        advice.push_back(
            {"reload:" + f.name,
             "slow_reload",
             "a hot reload takes " + ms_of_seconds(*verdict.reload_waited_s) +
                 (clock.empty() ? "" : " " + clock) + " (median of " + std::to_string(f.reloads) +
                 "), over " + ms_of_seconds(t.reload_slow_s),
             {"watch less: ignore node_modules, dist, .git and generated files",
              "use hot module replacement instead of restarting the process (Vite HMR, "
              "node --watch only for back ends)",
              "keep type-checking out of the reload path (a separate tsc --watch)"}});
    }
    if (f.browser_ms && f.hmr_ms && *f.browser_ms - *f.hmr_ms > t.browser_lag_s * 1000) {
        advice.push_back(
            {"reload:" + f.name,
             "browser_update_lag",
             "the browser shows an edit " + ms_of_seconds((*f.browser_ms - *f.hmr_ms) / 1000) +
                 " after the dev server's HMR message (" + ms_of_seconds(*f.hmr_ms / 1000) +
                 " -> " + ms_of_seconds(*f.browser_ms / 1000) + ", medians), over " +
                 ms_of_seconds(t.browser_lag_s),
             {"look in the browser's console for a full reload instead of a hot update (a module "
              "that exports components and other values, or an edit outside React's tree)",
              "keep the edited component's module small: the browser fetches and runs it, then "
              "re-renders what uses it",
              "move expensive work out of render (effects, memoised values) so the re-render "
              "after an update is quick"}});
    }
}

// The first page: over the limit where the start-up was not, or on its own (the wait after
// ready alone over the limit: a first compile, which start-up advice cannot cure).
void add_first_page_advice(std::vector<Advice>& advice, const DevServiceFindings& f,
                           const DevVerdict& verdict) {
    double threshold = verdict.startup_threshold_s;
    bool page_slow = f.first_2xx_s && *f.first_2xx_s > threshold;
    if (page_slow && verdict.startup == "slow") {
        page_slow = *f.first_2xx_s - *f.startup_median_s > threshold;
    }
    if (!page_slow || verdict.startup.empty()) {
        return;
    }
    advice.push_back({"startup:" + f.name, "slow_first_page",
                      "the page first answers " + ms_of_seconds(*f.first_2xx_s) +
                          " after the start (median of " + core::count_of(f.startup_runs, "run") +
                          "), the service being ready after " + ms_of_seconds(*f.startup_median_s) +
                          ", over " + ms_of_seconds(threshold) +
                          longest_phase(f, f.page_load_s.value_or(*f.first_2xx_s)),
                      first_page_suggestions(f.framework)});
}

} // namespace

DevVerdict judge_dev_service(const DevServiceFindings& f, const core::DevThresholds& t) {
    DevVerdict verdict;
    verdict.startup_threshold_s = startup_threshold(f.kind, t);
    if (f.startup_median_s) {
        verdict.startup = *f.startup_median_s > verdict.startup_threshold_s ? "slow" : "ok";
    }
    // The developer waits for the browser; the HMR message is the nearest clock without one.
    if (f.browser_ms) {
        verdict.reload_clock = "browser_ms";
        verdict.reload_waited_s = *f.browser_ms / 1000;
    } else if (f.hmr_ms) {
        verdict.reload_clock = "hmr_ms";
        verdict.reload_waited_s = *f.hmr_ms / 1000;
    } else if (f.reload_median_s) {
        verdict.reload_clock = "reload_s";
        verdict.reload_waited_s = f.reload_median_s;
    }
    if (verdict.reload_waited_s) {
        double s = *verdict.reload_waited_s;
        verdict.reload = s < t.reload_fast_s ? "fast" : s > t.reload_slow_s ? "slow" : "ok";
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
                              f.kind + " service takes " + ms_of_seconds(*f.startup_median_s) +
                                  " to be ready (median of " +
                                  core::count_of(f.startup_runs, "run") + "), over " +
                                  ms_of_seconds(verdict.startup_threshold_s) +
                                  longest_phase(f, *f.startup_median_s),
                              startup_suggestions(f.kind, f.framework)});
        }
        add_first_page_advice(advice, f, verdict);
        add_reload_advice(advice, f, verdict, t);
    }
    return advice;
}

std::vector<DevServiceFindings> dev_findings_from_runs(const std::vector<history::Run>& runs) {
    std::vector<DevServiceFindings> out;
    auto median_of = [](const history::Run& run, const char* metric) -> std::optional<double> {
        for (const history::MetricSeries& series : history::series_of(run.iterations)) {
            if (series.name == metric && !series.values.empty()) {
                return measure::median(series.values);
            }
        }
        return std::nullopt;
    };
    for (const history::Run& run : runs) {
        bool startup = run.subject.starts_with("startup:");
        if (run.kind != "dev" || (!startup && !run.subject.starts_with("reload:"))) {
            continue;
        }
        std::string name = run.subject.substr(run.subject.find(':') + 1);
        auto found = std::find_if(out.begin(), out.end(),
                                  [&](const DevServiceFindings& f) { return f.name == name; });
        if (found == out.end()) {
            out.push_back({});
            found = out.end() - 1;
            found->name = name;
            auto kind = run.context.project.find("service_kind");
            found->kind = kind != run.context.project.end() ? kind->second : "other";
            auto framework = run.context.project.find("framework");
            found->framework = framework != run.context.project.end() ? framework->second : "";
        }
        DevServiceFindings& f = *found;
        if (startup && !f.startup_median_s) {
            f.startup_median_s = median_of(run, "startup_s");
            f.startup_runs = run.iterations.size();
            f.first_output_s = median_of(run, "first_output_s");
            f.port_open_s = median_of(run, "port_open_s");
            f.first_2xx_s = median_of(run, "first_2xx_s");
            f.page_load_s = median_of(run, "page_load_s");
        } else if (!startup && !f.reload_median_s) {
            f.reload_median_s = median_of(run, "reload_s");
            f.reloads = run.iterations.size();
            f.server_log_ms = median_of(run, "server_log_ms");
            f.hmr_ms = median_of(run, "hmr_ms");
            f.browser_ms = median_of(run, "browser_ms");
        }
    }
    return out;
}

} // namespace farm::analysis
