// The parts of a load sweep (`farm perf:benchmark`) that are not the runs themselves: the list of
// load levels, service-level objectives and goodput, and the knee of the throughput curve.
//
// Definitions (docs/metrics.md, "AI load sweeps", states them for users):
// - An SLO is a ceiling on per-request metrics: "ttft=500ms,tpot=50ms,e2e=5s" (itl too). A
//   request meets the SLOs when it succeeded and every metric named is measured and at most its
//   ceiling; a metric the request does not have (no TTFT for a non-streamed answer, no TPOT for
//   a one-token answer) does not meet it.
// - goodput: requests meeting every SLO / wall time of the level (requests/s).
// - knee: walking the levels in order, level i "scales" when its throughput is at least 10%
//   above level i-1's and its median latency less than 50% above level i-1's. The knee is the
//   last level of the first run of scaling levels from the start (the first level itself when
//   the second does not scale): past it, more load buys latency, not throughput. When every
//   level scales the knee is the last one and `beyond_range` says the curve had not bent yet.
#pragma once

#include "farm/measure/record_spool.hpp"
#include "farm/measure/sample.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

// "1,2,4,8" -> {1, 2, 4, 8}. Whole numbers >= 1 when `integers`, else positive numbers; returned
// in increasing order whatever the order given ("4,1,2" -> {1, 2, 4}), each at most once. Throws
// farm::UsageError naming `option` and the bad or repeated item.
std::vector<double> parse_levels(std::string_view text, std::string_view option, bool integers);

struct Slo {
    std::optional<double> ttft_ms;
    std::optional<double> itl_ms;
    std::optional<double> tpot_ms;
    std::optional<double> e2e_ms;

    bool empty() const { return !ttft_ms && !itl_ms && !tpot_ms && !e2e_ms; }
};

// "ttft=500ms,tpot=50ms,e2e=5s": each item NAME=NUMBER UNIT with NAME one of ttft, itl, tpot, e2e
// and UNIT ms or s. Throws farm::UsageError saying which item is wrong and how to write it.
Slo parse_slo(std::string_view text);
// "ttft<=500ms, e2e<=5000ms".
std::string to_string(const Slo& slo);

bool meets_slo(const Slo& slo, const measure::IterationRecord& request);
std::size_t requests_meeting(const Slo& slo, const measure::RecordSpool& requests);

struct SweepPoint {
    double load = 0;              // concurrency or rate
    double throughput = 0;        // successful requests/s
    double median_latency_ms = 0; // median e2e_ms
};

struct Knee {
    std::size_t index = 0;     // into the points
    bool beyond_range = false; // every level scaled: the knee lies past the last one
};

inline constexpr double knee_min_throughput_gain = 0.10;
inline constexpr double knee_max_latency_gain = 0.50;

// nullopt for fewer than two points.
std::optional<Knee> find_knee(const std::vector<SweepPoint>& points);

} // namespace farm::ai
