// Synthetic histories for the optimize advice tests: real Runs, with the metric names and units
// farm's commands record, written to a real SQLite history in the test's own folder.
#pragma once

#include "farm/analysis/optimize_advice.hpp"
#include "farm/core/text.hpp"
#include "farm/history/store.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace farm::test {

// Minutes after 2026-11-01T08:00:00Z, as farm writes times.
inline std::string minutes_after_start(int minutes) {
    return core::utc_iso8601_from_unix(1793520000.0 + 60.0 * minutes);
}

inline std::string unit_of(const std::string& metric) {
    if (metric.ends_with("_bytes") || metric == "bytes") {
        return "bytes";
    }
    if (metric.ends_with("_ms")) {
        return "ms";
    }
    if (metric.ends_with("_s")) {
        return "s";
    }
    if (metric.ends_with("_pct")) {
        return "%";
    }
    return "count";
}

using Metrics = std::vector<std::pair<std::string, std::vector<double>>>;

// One run: iteration i has metrics[k].second[i] for each metric k.
inline history::Run make_run(const std::string& kind, const std::string& subject, int minute,
                             const Metrics& metrics,
                             const std::map<std::string, std::string>& project = {}) {
    history::Run run;
    run.kind = kind;
    run.subject = subject;
    run.command = "pnpm run build";
    run.folder = "/home/dev/shop";
    run.started_at = minutes_after_start(minute);
    run.duration_s = 1;
    run.context.project = project;
    std::size_t count = metrics.empty() ? 0 : metrics.front().second.size();
    for (std::size_t i = 0; i < count; ++i) {
        measure::IterationRecord iteration;
        iteration.index = int(i);
        for (const auto& [name, values] : metrics) {
            iteration.metrics.push_back({name, unit_of(name), values.at(i)});
            if (name == "failed" && values.at(i) != 0) {
                iteration.exit_code = 1;
            }
        }
        run.iterations.push_back(iteration);
    }
    return run;
}

inline std::vector<double> repeat(double value, std::size_t n) {
    return std::vector<double>(n, value);
}

// n values around `center`, each a little different (so rank tests see no ties).
inline std::vector<double> around(double center, std::size_t n, double step) {
    std::vector<double> values;
    for (std::size_t i = 0; i < n; ++i) {
        values.push_back(center + step * (double(i) - double(n - 1) / 2));
    }
    return values;
}

// A fresh history file in the test's folder.
inline std::filesystem::path fresh_history(const std::string& name) {
    std::filesystem::path path = std::filesystem::current_path() / (name + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
    return path;
}

inline std::vector<std::string>
rules_for(const std::vector<analysis::Recommendation>& recommendations,
          const std::string& subject) {
    std::vector<std::string> rules;
    for (const analysis::Recommendation& r : recommendations) {
        if (r.subject == subject) {
            rules.push_back(r.rule);
        }
    }
    return rules;
}

inline const analysis::Recommendation*
find_rule(const std::vector<analysis::Recommendation>& recommendations, const std::string& rule) {
    for (const analysis::Recommendation& r : recommendations) {
        if (r.rule == rule) {
            return &r;
        }
    }
    return nullptr;
}

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace farm::test
