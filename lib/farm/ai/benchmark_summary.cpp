#include "farm/ai/benchmark_summary.hpp"

#include "farm/measure/stats.hpp"

namespace farm::ai {

std::optional<MetricStats> metric_stats(std::span<const double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    return measure::summarize(values);
}

BenchmarkSummary summarize_benchmark(const BenchmarkResult& result) {
    BenchmarkSummary s;
    const measure::RecordSpool& requests = result.requests;
    s.requests = requests.size();
    s.succeeded = requests.succeeded();
    s.errors = s.requests - s.succeeded;
    if (s.requests > 0) {
        s.error_rate = double(s.errors) / double(s.requests);
    }
    s.errors_by_class = result.errors_by_class;
    s.ttft_ms = metric_stats(requests.values("ttft_ms", true));
    s.ttfo_ms = metric_stats(requests.values("ttfo_ms", true));
    s.reasoning_tokens = metric_stats(requests.values("reasoning_tokens", true));
    if (result.itl_gaps_ms.count() > 0) {
        s.itl_ms = result.itl_gaps_ms.summary();
    }
    s.tpot_ms = metric_stats(requests.values("tpot_ms", true));
    s.e2e_ms = metric_stats(requests.values("e2e_ms", true));
    double tokens = 0;
    {
        std::vector<double> output = requests.values("output_tokens", true);
        for (double v : output) {
            tokens += v;
        }
        s.output_tokens = metric_stats(output);
    }
    s.input_tokens = metric_stats(requests.values("input_tokens", true));
    s.token_source = common_token_source(result);
    s.wall_s = result.wall_s;
    if (result.wall_s > 0) {
        s.request_throughput = double(s.succeeded) / result.wall_s;
        s.output_token_throughput = tokens / result.wall_s;
    }
    return s;
}

std::string verdict_for(double median_e2e_ms, double slow_ms, double fast_ms) {
    if (median_e2e_ms <= fast_ms) {
        return "fast";
    }
    return median_e2e_ms > slow_ms ? "slow" : "ok";
}

std::string verdict_for(const BenchmarkSummary& summary, double slow_ms, double fast_ms,
                        double max_error_rate) {
    if (summary.error_rate && *summary.error_rate > max_error_rate) {
        return "failing";
    }
    if (!summary.e2e_ms) {
        return "";
    }
    return verdict_for(summary.e2e_ms->median, slow_ms, fast_ms);
}

} // namespace farm::ai
