// The data of one measured iteration: named metrics with units. Every kind of run (builds,
// installs, dev servers, AI benchmarks) records its iterations in this one shape, so that
// reports, comparisons and exports work on all of them without knowing which kind they are.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace farm::measure {

// How a run loop ended.
enum class Outcome { completed, failed, interrupted };

struct MetricValue {
    std::string name; // snake_case with the unit as suffix where it helps: wall_s, max_rss_bytes
    std::string unit; // "s", "bytes", "cores", "count", "%"
    double value = 0;
};

struct IterationRecord {
    int index = 0;
    int exit_code = 0; // -1 when ended by a signal
    int signal = 0;
    std::vector<MetricValue> metrics;

    std::optional<double> metric(const std::string& name) const {
        for (const MetricValue& m : metrics) {
            if (m.name == name) {
                return m.value;
            }
        }
        return std::nullopt;
    }
};

} // namespace farm::measure
