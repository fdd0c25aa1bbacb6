// The vertical summary of one perf:ai result, in the layout of `vllm bench serve` (a label
// column of 40, the value after it) so that a vLLM user reads it at a glance and a script that
// parses vLLM's block parses farm's; farm adds its error rate and TTFO.
#include "commands/perf_ai_options.hpp"

#include <cstdio>

namespace farm::commands {

namespace {

std::string centred(const std::string& title, char fill) {
    std::size_t width = 50;
    if (title.size() >= width) {
        return title + "\n";
    }
    std::size_t left = (width - title.size()) / 2;
    return std::string(left, fill) + title + std::string(width - title.size() - left, fill) + "\n";
}

std::string row(const std::string& label, const std::string& value) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "%-40s %-10s", label.c_str(), value.c_str());
    return std::string(buffer) + "\n";
}

std::string two_decimals(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

std::string count(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
}

// One metric's block: mean, median and each percentile asked for; nothing when unmeasured.
std::string metric_block(const ai::BenchmarkSummary& s, const char* metric, const char* name,
                         const char* header, const std::optional<ai::MetricStats>& stats) {
    if (!stats) {
        return "";
    }
    std::string out = centred(header, '-');
    out += row(std::string("Mean ") + name + " (ms):", two_decimals(stats->mean));
    out += row(std::string("Median ") + name + " (ms):", two_decimals(stats->median));
    auto found = s.percentiles.find(metric);
    if (found != s.percentiles.end()) {
        for (const auto& [p, value] : found->second) {
            std::string label = percentile_key(p);
            label[0] = 'P';
            out += row(label + " " + name + " (ms):", two_decimals(value));
        }
    }
    return out;
}

} // namespace

std::string render_ai_summary(const AiResultView& v) {
    const ai::BenchmarkSummary& s = v.summary;
    std::string out = centred(" Serving Benchmark Result ", '=');
    out += row("Provider/model/operation:", v.target.name + "/" + v.target.model + "/" +
                                                std::string(ai::to_string(v.operation)));
    // The rest of the recorded subject: the workload it ran ("in=200,out=100,seed=7").
    std::string head =
        v.target.name + "/" + v.target.model + "/" + std::string(ai::to_string(v.operation));
    if (v.subject.size() > head.size() + 1 && v.subject.starts_with(head + "/")) {
        out += row("Workload:", v.subject.substr(head.size() + 1));
    }
    out += row("Successful requests:", std::to_string(s.succeeded));
    out += row("Failed requests:", std::to_string(s.errors));
    out += row("Error rate:", error_rate_text(s.error_rate));
    out += row("Benchmark duration (s):", two_decimals(s.wall_s));
    out += row("Total input tokens:", count(s.total_input_tokens));
    out += row("Total generated tokens:", count(s.total_output_tokens));
    out += row("Request throughput (req/s):", two_decimals(s.request_throughput));
    if (v.goodput) {
        out += row("Request goodput (req/s):", two_decimals(*v.goodput));
    }
    out += row("Output token throughput (tok/s):", two_decimals(s.output_token_throughput));
    out += row("Total token throughput (tok/s):", two_decimals(s.total_token_throughput));
    out += metric_block(s, "ttft_ms", "TTFT", "Time to First Token", s.ttft_ms);
    out += metric_block(s, "ttfo_ms", "TTFO", "Time to First Output Token", s.ttfo_ms);
    out += metric_block(s, "tpot_ms", "TPOT", "Time per Output Token (excl. 1st token)", s.tpot_ms);
    out += metric_block(s, "itl_ms", "ITL", "Inter-token Latency", s.itl_ms);
    out += metric_block(s, "e2e_ms", "E2EL", "End-to-end Latency", s.e2e_ms);
    return out + std::string(50, '=') + "\n";
}

} // namespace farm::commands
