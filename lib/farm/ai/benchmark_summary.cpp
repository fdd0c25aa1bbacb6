#include "farm/ai/benchmark_summary.hpp"

#include "farm/ai/server_json.hpp"
#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <cstdlib>

namespace farm::ai {

std::optional<MetricStats> metric_stats(std::span<const double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    return measure::summarize(values);
}

namespace {

double sum(const std::vector<double>& values) {
    double total = 0;
    for (double v : values) {
        total += v;
    }
    return total;
}

void add_percentiles(BenchmarkSummary& s, const char* name, const std::vector<double>& values,
                     const std::vector<double>& percentiles) {
    if (values.empty()) {
        return;
    }
    std::vector<std::pair<double, double>>& out = s.percentiles[name];
    for (double p : percentiles) {
        out.emplace_back(p, measure::percentile(values, p));
    }
}

} // namespace

std::vector<double> parse_percentiles(std::string_view text) {
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item(trim(text.substr(start, comma - start)));
        char* end = nullptr;
        double p = std::strtod(item.c_str(), &end);
        if (item.empty() || end != item.c_str() + item.size() || !(p > 0 && p <= 100)) {
            throw UsageError("--percentiles: '" + item +
                             "' is not a percentile; give numbers above 0 and at most 100, "
                             "e.g. 50,90,95,99");
        }
        out.push_back(p);
        start = comma + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const std::vector<double>& default_percentiles() {
    static const std::vector<double> percentiles = {50, 90, 95, 99};
    return percentiles;
}

BenchmarkSummary summarize_benchmark(const BenchmarkResult& result,
                                     const std::vector<double>& percentiles) {
    BenchmarkSummary s;
    const measure::RecordSpool& requests = result.requests;
    s.requests = requests.size();
    s.succeeded = requests.succeeded();
    s.errors = s.requests - s.succeeded;
    if (s.requests > 0) {
        s.error_rate = double(s.errors) / double(s.requests);
    }
    s.errors_by_class = result.errors_by_class;
    for (auto [name, stats] : {std::pair{"ttft_ms", &s.ttft_ms},
                               {"ttfo_ms", &s.ttfo_ms},
                               {"tpot_ms", &s.tpot_ms},
                               {"e2e_ms", &s.e2e_ms}}) {
        std::vector<double> values = requests.values(name, true);
        *stats = metric_stats(values);
        add_percentiles(s, name, values, percentiles);
    }
    s.reasoning_tokens = metric_stats(requests.values("reasoning_tokens", true));
    if (result.itl_gaps_ms.count() > 0) {
        s.itl_ms = result.itl_gaps_ms.summary();
        std::vector<std::pair<double, double>>& itl = s.percentiles["itl_ms"];
        for (double p : percentiles) {
            itl.emplace_back(p, result.itl_gaps_ms.percentile(p));
        }
    }
    std::vector<double> output = requests.values("output_tokens", true);
    std::vector<double> input = requests.values("input_tokens", true);
    s.output_tokens = metric_stats(output);
    s.input_tokens = metric_stats(input);
    s.total_output_tokens = sum(output);
    s.total_input_tokens = sum(input);
    s.token_source = common_token_source(result);
    s.wall_s = result.wall_s;
    if (result.wall_s > 0) {
        s.request_throughput = double(s.succeeded) / result.wall_s;
        s.output_token_throughput = s.total_output_tokens / result.wall_s;
        s.total_token_throughput = (s.total_input_tokens + s.total_output_tokens) / result.wall_s;
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
