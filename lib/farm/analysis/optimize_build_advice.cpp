// The build rules of optimize_advice.hpp: per subject of the window, the recent runs against the
// thresholds, and the newest runs against the older ones.
#include "farm/analysis/compare.hpp"
#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/fixed_text.hpp"
#include "farm/core/input_file.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cstdio>

namespace farm::analysis {

namespace {

// The seed's line for a build worth a look; past thresholds.build_slow_s it is urgent.
constexpr double slow_build_s = 15;
// Samples that make a "recent" set, and the fewest compare_samples judges on.
constexpr std::size_t recent_samples = 5;
// Runs read per subject: enough for a trend, bounded so a long history stays quick.
constexpr std::size_t runs_per_subject = 200;

// Sizes in the one unit scheme of every view: powers of 1024, "MiB".
std::string bytes_text(double bytes) {
    return core::describe_bytes(std::uintmax_t(std::max(bytes, 0.0)));
}

std::string runs_word(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " run" : " runs");
}

struct Subject {
    std::string kind;
    std::string name;
    std::vector<history::RunOverview> runs; // newest first
};

std::vector<Subject> subjects_of(history::Store& store, const std::string& kind,
                                 const AdviceWindow& window,
                                 const std::vector<std::string>& metrics) {
    history::RunQuery query;
    query.kind = kind;
    query.since = window.since;
    query.ok_only = true;
    query.per_subject = runs_per_subject;
    query.with_values = true;
    query.value_metrics = metrics;
    std::vector<Subject> subjects;
    for (history::RunOverview& run : store.recent_runs(query)) {
        if (subjects.empty() || subjects.back().name != run.subject) {
            subjects.push_back({run.kind, run.subject, {}});
        }
        subjects.back().runs.push_back(std::move(run));
    }
    return subjects;
}

std::vector<double> pooled(const std::vector<history::RunOverview>& runs, std::size_t begin,
                           std::size_t end, const std::string& metric) {
    std::vector<double> values;
    for (std::size_t i = begin; i < end && i < runs.size(); ++i) {
        if (const history::MetricSeries* series = runs[i].metric(metric)) {
            values.insert(values.end(), series->values.begin(), series->values.end());
        }
    }
    return values;
}

// The newest runs until they hold `recent_samples` values of `metric` (at most `limit` runs).
std::size_t recent_run_count(const std::vector<history::RunOverview>& runs,
                             const std::string& metric, std::size_t limit) {
    std::size_t n = 0;
    std::size_t values = 0;
    while (n < runs.size() && n < limit && values < recent_samples) {
        if (const history::MetricSeries* series = runs[n].metric(metric)) {
            values += series->values.size();
        }
        ++n;
    }
    return n;
}

std::vector<std::int64_t> ids_of(const std::vector<history::RunOverview>& runs, std::size_t count) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < count && i < runs.size(); ++i) {
        ids.push_back(runs[i].id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// The recent sample of `metric`: its values and how many runs they came from.
struct Recent {
    std::vector<double> values;
    std::size_t runs = 0;
};

Recent recent_of(const Subject& s, const std::string& metric) {
    std::size_t n = recent_run_count(s.runs, metric, s.runs.size());
    return {pooled(s.runs, 0, n, metric), n};
}

CompareSettings settings_for(const std::string& kind, const core::Config& config) {
    CompareSettings settings;
    settings.alpha = config.compare.alpha;
    auto it = config.compare.threshold_pct.find(kind);
    settings.threshold_pct =
        it != config.compare.threshold_pct.end() ? it->second : default_threshold_pct(kind);
    settings.min_samples = recent_samples;
    return settings;
}

// The newest runs (at most half of the window's) against the older ones; a recommendation when
// compare_samples calls the newest ones significantly worse.
void add_trend(std::vector<Recommendation>& out, const Subject& s, const std::string& metric,
               const std::string& rule, const std::string& what, const std::string& action,
               const core::Config& config) {
    std::size_t n = recent_run_count(s.runs, metric, s.runs.size() / 2);
    if (n == 0 || n >= s.runs.size()) {
        return;
    }
    std::vector<double> candidate = pooled(s.runs, 0, n, metric);
    std::vector<double> baseline = pooled(s.runs, n, s.runs.size(), metric);
    MetricComparison c = compare_samples(baseline, candidate, metric, settings_for(s.kind, config));
    if (c.verdict != Verdict::slower || !c.change_pct || !c.p_value) {
        return;
    }
    auto value = [&](double v) {
        return metric == "wall_s" ? core::fixed(v, 2) + " s" : bytes_text(v);
    };
    Recommendation r;
    r.priority = *c.change_pct >= 2 * c.threshold_pct ? Priority::high : Priority::medium;
    r.area = "build";
    r.subject = s.name;
    r.rule = rule;
    r.finding = what + " " + value(c.baseline_median) + " -> " + value(c.candidate_median) + " (+" +
                core::fixed(*c.change_pct, 0) + "%, p = " + core::fixed(*c.p_value, 3) +
                ", noise floor " + core::fixed(c.threshold_pct, 0) + "%): median of the newest " +
                runs_word(n) + " against the " + runs_word(s.runs.size() - n) + " before";
    r.evidence_runs = ids_of(s.runs, s.runs.size());
    r.action = action;
    out.push_back(std::move(r));
}

// "turbo" or "nx" when the subject's newest run was measured through that runner (its command
// starts with the runner's name, as perf:build records it), else "".
std::string runner_of(const Subject& s) {
    const std::string& command = s.runs.front().command;
    for (const char* runner : {"turbo", "nx"}) {
        if (command.rfind(std::string(runner) + " ", 0) == 0) {
            return runner;
        }
    }
    return {};
}

// What to do about a slow build; a workspace that has a task runner is never told to adopt one.
std::string slow_build_action(const Subject& s) {
    std::string runner = runner_of(s);
    bool total = s.name.rfind("build:total", 0) == 0;
    if (runner.empty()) {
        return total ? "Build packages in parallel and cache their outputs (turbo or nx), so "
                       "that only changed packages rebuild."
                     : "Build incrementally (tsc --incremental, the bundler's persistent cache) "
                       "and cache build outputs between runs (turbo or nx).";
    }
    std::string config = runner == "turbo" ? "turbo.json" : "nx.json";
    return total ? "Shorten the critical path (its slowest package), let " + runner +
                       "'s cache replay unchanged packages (outputs declared in " + config +
                       ", a shared cache in CI) and build only what changed (" +
                       (runner == "turbo" ? "turbo --affected" : "nx affected") + ")."
                 : "Build incrementally (tsc --incremental, the bundler's persistent cache) and "
                   "declare the task's outputs in " +
                       config + " so that " + runner + " can replay it from its cache.";
}

void advise_build_subject(std::vector<Recommendation>& out, const Subject& s,
                          const core::Config& config) {
    const core::Thresholds& t = config.thresholds;
    Recent wall = recent_of(s, "wall_s");
    if (!wall.values.empty()) {
        double median = measure::median(wall.values);
        double line = std::min(slow_build_s, t.build_slow_s);
        if (median > line) {
            bool urgent = median > t.build_slow_s;
            out.push_back(
                {urgent ? Priority::high : Priority::medium, "build", s.name, "slow_build",
                 "median build " + core::fixed(median, 1) + " s over the newest " +
                     runs_word(wall.runs) + " (" + std::to_string(wall.values.size()) +
                     " builds), over " + core::fixed(urgent ? t.build_slow_s : line, 0) + " s",
                 ids_of(s.runs, wall.runs), slow_build_action(s)});
        }
    }
    std::string memory_metric = "tree_peak_rss_bytes";
    Recent memory = recent_of(s, memory_metric);
    if (memory.values.empty()) {
        memory_metric = "max_rss_bytes";
        memory = recent_of(s, memory_metric);
    }
    if (!memory.values.empty() && t.build_memory_bytes > 0) {
        double median = measure::median(memory.values);
        double budget = double(t.build_memory_bytes);
        if (median > budget) {
            out.push_back({median > 2 * budget ? Priority::high : Priority::medium, "build", s.name,
                           "build_memory",
                           "median peak memory " + bytes_text(median) + " (" +
                               (memory_metric == "max_rss_bytes" ? "max RSS, largest process"
                                                                 : "peak RSS, process tree") +
                               ") over the newest " + runs_word(memory.runs) + ", over " +
                               bytes_text(budget),
                           ids_of(s.runs, memory.runs),
                           "Lower the build's parallelism (fewer bundler workers, "
                           "--max-old-space-size only as a cap) or split the package, so that "
                           "builds fit beside each other on CI machines."});
        }
    }
    add_trend(out, s, "wall_s", "build_slower", "builds got slower:",
              "Look at what changed between these runs (farm perf:report --compare --subject '" +
                  s.name + "'): new dependencies, a disabled cache, a larger input.",
              config);
}

// size:<package> runs hold what a browser gets; their command says which folder that was
// ("Next.js: .next/static"). Older runs measured whole output folders ("files under dist, ...").
std::string output_words(const history::RunOverview& run) {
    if (run.command.empty() || run.command.rfind("files under ", 0) == 0) {
        return "build output";
    }
    return "browser output (" + run.command + ")";
}

void advise_size_subject(std::vector<Recommendation>& out, const Subject& s,
                         const core::Config& config) {
    const history::MetricSeries* newest = s.runs.front().metric("bytes");
    double limit = double(config.thresholds.output_large_bytes);
    if (newest && !newest->values.empty() && limit > 0) {
        double bytes = measure::median(newest->values);
        if (bytes > limit) {
            out.push_back({bytes > 2 * limit ? Priority::medium : Priority::low,
                           "build",
                           s.name,
                           "large_output",
                           output_words(s.runs.front()) + " " + bytes_text(bytes) +
                               " (raw) in the newest run, over " + bytes_text(limit),
                           {s.runs.front().id},
                           "Split the code by route, let the bundler tree-shake (ES modules, "
                           "sideEffects: false) and load heavy modules with dynamic import()."});
        }
    }
    add_trend(out, s, "bytes", "output_growing", "build output grew:",
              "Find what grew (the bundler's stats or a bundle analyser) and set a size budget "
              "in farm.config.json (build.budgets) so that growth fails the build.",
              config);
}

void advise_install_subject(std::vector<Recommendation>& out, const Subject& s,
                            const core::Config& config) {
    const core::Thresholds& t = config.thresholds;
    if (s.name != "install:cold") {
        Recent reused = recent_of(s, "reused");
        std::vector<double> downloaded = pooled(s.runs, 0, reused.runs, "downloaded");
        double hits = 0;
        double misses = 0;
        for (double v : reused.values) {
            hits += v;
        }
        for (double v : downloaded) {
            misses += v;
        }
        // An up-to-date install fetches nothing: that is not a 0% hit rate.
        if (hits + misses > 0) {
            double rate = hits / (hits + misses);
            if (rate < t.store_hit_rate_min) {
                out.push_back(
                    {rate < t.store_hit_rate_min / 2 ? Priority::high : Priority::medium, "install",
                     s.name, "low_store_hits",
                     "the store served " + core::fixed(rate * 100, 0) + "% of packages (" +
                         core::fixed(hits, 0) + " reused, " + core::fixed(misses, 0) +
                         " downloaded over the newest " + runs_word(reused.runs) + "), under " +
                         core::fixed(t.store_hit_rate_min * 100, 0) + "%",
                     ids_of(s.runs, reused.runs),
                     "Keep the pnpm store between runs (in CI, cache the folder `pnpm store "
                     "path` prints), run `pnpm fetch` early and keep the store on the project's "
                     "filesystem."});
            }
        }
    }
    Recent wall = recent_of(s, "wall_s");
    if (!wall.values.empty()) {
        double median = measure::median(wall.values);
        if (median > t.install_slow_s) {
            out.push_back({Priority::medium, "install", s.name, "slow_install",
                           "median install " + core::fixed(median, 1) + " s over the newest " +
                               runs_word(wall.runs) + ", over " + core::fixed(t.install_slow_s, 0) +
                               " s",
                           ids_of(s.runs, wall.runs),
                           "Install with a committed lockfile (--frozen-lockfile) and "
                           "--prefer-offline, from a warm store."});
        }
    }
}

} // namespace

std::vector<Recommendation> advise_builds_from_history(history::Store& store,
                                                       const core::Config& config,
                                                       const AdviceWindow& window) {
    std::vector<Recommendation> out;
    for (const Subject& s :
         subjects_of(store, "build", window, {"wall_s", "tree_peak_rss_bytes", "max_rss_bytes"})) {
        advise_build_subject(out, s, config);
    }
    for (const Subject& s : subjects_of(store, "size", window, {"bytes"})) {
        advise_size_subject(out, s, config);
    }
    for (const Subject& s :
         subjects_of(store, "install", window, {"wall_s", "reused", "downloaded"})) {
        advise_install_subject(out, s, config);
    }
    sort_by_priority(out);
    return out;
}

} // namespace farm::analysis
