#include "farm/ai/benchmark_summary.hpp"

#include "farm/measure/stats.hpp"

namespace farm::ai {

std::optional<MetricStats> metric_stats(std::span<const double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    return measure::summarize(values);
}

std::vector<double> successful_values(const std::vector<measure::IterationRecord>& iterations,
                                      const std::string& metric) {
    std::vector<double> values;
    for (const measure::IterationRecord& it : iterations) {
        if (it.exit_code != 0) {
            continue;
        }
        if (std::optional<double> v = it.metric(metric)) {
            values.push_back(*v);
        }
    }
    return values;
}

BenchmarkSummary summarize_benchmark(const BenchmarkResult& result) {
    BenchmarkSummary s;
    s.requests = result.iterations.size();
    for (const measure::IterationRecord& it : result.iterations) {
        if (it.exit_code == 0) {
            ++s.succeeded;
        }
    }
    s.errors = s.requests - s.succeeded;
    s.errors_by_class = result.errors_by_class;
    std::vector<double> output = successful_values(result.iterations, "output_tokens");
    s.ttft_ms = metric_stats(successful_values(result.iterations, "ttft_ms"));
    if (result.itl_gaps_ms.count() > 0) {
        s.itl_ms = result.itl_gaps_ms.summary();
    }
    s.tpot_ms = metric_stats(successful_values(result.iterations, "tpot_ms"));
    s.e2e_ms = metric_stats(successful_values(result.iterations, "e2e_ms"));
    s.output_tokens = metric_stats(output);
    s.input_tokens = metric_stats(successful_values(result.iterations, "input_tokens"));
    s.token_source = common_token_source(result);
    s.wall_s = result.wall_s;
    if (result.wall_s > 0) {
        double tokens = 0;
        for (double v : output) {
            tokens += v;
        }
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

} // namespace farm::ai
