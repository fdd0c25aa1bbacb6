// The numbers a benchmark is judged by: per metric mean, median, p90, p95, p99 and stddev over the
// successful requests, errors by class, throughputs, and the verdict against the thresholds.
//
// Definitions (docs/metrics.md, "AI requests" and "AI benchmark summary"):
// - ttft_ms, tpot_ms, e2e_ms, output_tokens: over the successful requests that have the metric;
//   itl_ms: over every gap between consecutive content chunks of every successful request (so
//   that a long answer weighs by its length), not over the per-request means.
// - request_throughput: successful requests / wall time of the measured phase (first request
//   sent -> last one ended); output_token_throughput: their output tokens / the same wall time.
// - total_input_tokens, total_output_tokens: sums over the successful requests;
//   total_token_throughput: their sum / the same wall time (vLLM's "Total token throughput").
// - percentiles: the ones asked for (--percentiles, default 50,90,95,99) of ttft_ms, ttfo_ms,
//   tpot_ms, itl_ms and e2e_ms, over the same values as their statistics.
// - error_rate: failed requests / requests sent (and ended), a rate from the two counts; 0..1,
//   absent when no request was sent. Never a statistic of the per-request 0/1 flags.
// - ttfo_ms: over the successful requests that had an answer chunk (a request that only
//   reasoned has none); reasoning_tokens: over those whose server said.
// - verdict: "failing" when error_rate is above the error-rate threshold (whatever the
//   latency); else "fast" when the median e2e_ms is at most fast_ms, "slow" when above slow_ms,
//   else "ok"; none without a successful request.
// Percentiles as measure::percentile (linear between closest ranks).
#pragma once

#include "farm/ai/benchmark.hpp"
#include "farm/measure/stats.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
    std::optional<double> error_rate; // errors / requests; absent for no request
    std::map<std::string, std::size_t> errors_by_class;
    std::optional<MetricStats> ttft_ms;
    std::optional<MetricStats> ttfo_ms;
    std::optional<MetricStats> reasoning_tokens;
    std::optional<MetricStats> itl_ms;
    std::optional<MetricStats> tpot_ms;
    std::optional<MetricStats> e2e_ms;
    std::optional<MetricStats> output_tokens;
    std::optional<MetricStats> input_tokens;
    std::string token_source; // server | chunks | chars/4 | mixed; empty without a success
    double wall_s = 0;
    double request_throughput = 0;      // successful requests/s
    double output_token_throughput = 0; // tokens/s
    double total_input_tokens = 0;
    double total_output_tokens = 0;
    double total_token_throughput = 0; // (input + output tokens)/s
    // metric name -> (p, value) for each percentile asked for; a metric without values is absent.
    std::map<std::string, std::vector<std::pair<double, double>>> percentiles;
};

// The percentiles shown unless the user asks for others: vLLM's 50, 90, 95 and 99.
const std::vector<double>& default_percentiles();

// "50,90,95,99" -> {50, 90, 95, 99}: numbers above 0 and at most 100, in any order (returned
// sorted, without repeats). Throws farm::UsageError naming --percentiles and the bad item.
std::vector<double> parse_percentiles(std::string_view text);

// `percentiles` in [0, 100].
BenchmarkSummary
summarize_benchmark(const BenchmarkResult& result,
                    const std::vector<double>& percentiles = default_percentiles());

// "fast", "ok" or "slow" for a median e2e_ms (see above).
std::string verdict_for(double median_e2e_ms, double slow_ms, double fast_ms);
// The verdict of a summary: "failing" above `max_error_rate`, else verdict_for its median
// e2e_ms; empty when it has neither a failure rate above the line nor a successful request.
std::string verdict_for(const BenchmarkSummary& summary, double slow_ms, double fast_ms,
                        double max_error_rate);

} // namespace farm::ai
