// The numbers a benchmark is judged by: per metric mean, median, p90, p95, p99 and stddev over the
// successful requests, errors by class, throughputs, and the verdict against the thresholds.
//
// Definitions (docs/metrics.md, "AI requests" and "AI benchmark summary"):
// - ttft_ms, tpot_ms, e2e_ms, output_tokens: over the successful requests that have the metric;
//   itl_ms: over every gap between consecutive content chunks of every successful request (so
//   that a long answer weighs by its length), not over the per-request means.
// - request_throughput: successful requests / wall time of the measured phase (first request
//   sent -> last one ended); output_token_throughput: their output tokens / the same wall time.
// - verdict: "fast" when the median e2e_ms is at most fast_ms, "slow" when above slow_ms, else
//   "ok"; none without a successful request.
// Percentiles as measure::percentile (linear between closest ranks).
#pragma once

#include "farm/ai/benchmark.hpp"
#include "farm/measure/stats.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace farm::ai {

// The statistics of one AI metric: measure::Summary (count, mean, median, p90, p95, p99,
// stddev, min, max, and the median's 95% confidence interval).
using MetricStats = measure::Summary;

// nullopt for no values.
std::optional<MetricStats> metric_stats(std::span<const double> values);

struct BenchmarkSummary {
    std::size_t requests = 0; // measured requests that ended (not cancelled)
    std::size_t succeeded = 0;
    std::size_t errors = 0;
    std::map<std::string, std::size_t> errors_by_class;
    std::optional<MetricStats> ttft_ms;
    std::optional<MetricStats> itl_ms;
    std::optional<MetricStats> tpot_ms;
    std::optional<MetricStats> e2e_ms;
    std::optional<MetricStats> output_tokens;
    std::optional<MetricStats> input_tokens;
    std::string token_source; // server | chunks | chars/4 | mixed; empty without a success
    double wall_s = 0;
    double request_throughput = 0;      // successful requests/s
    double output_token_throughput = 0; // tokens/s
};

BenchmarkSummary summarize_benchmark(const BenchmarkResult& result);

// "fast", "ok" or "slow" for a median e2e_ms (see above).
std::string verdict_for(double median_e2e_ms, double slow_ms, double fast_ms);

} // namespace farm::ai
