// How perf:ai and perf:benchmark show a benchmark: the side-by-side table, the error lines, the
// GPU line, the JSON result (farm.ai/1) and the --export-requests CSV.
#include "commands/perf_ai_options.hpp"

#include "farm/core/fixed_text.hpp"
#include "farm/core/text.hpp"
#include "farm/net/http_client.hpp"
#include "farm/report/format.hpp"
#include "farm/report/table.hpp"

#include <cstdio>

namespace farm::commands {

namespace {

std::string ms_text(double value) {
    return core::fixed(value, value < 10 ? 2 : value < 100 ? 1 : 0);
}

} // namespace

std::string error_rate_text(const std::optional<double>& rate) {
    if (!rate) {
        return "-";
    }
    // Three decimals without trailing zeros: 0.2, 0.025, 0 (a rate of 1 in 1000 still shows).
    std::string text = core::fixed(*rate, 3);
    while (text.back() == '0') {
        text.pop_back();
    }
    if (text.back() == '.') {
        text.pop_back();
    }
    return text;
}

namespace {

std::string latency_cell(const std::optional<ai::MetricStats>& stats) {
    if (!stats) {
        return "-";
    }
    return ms_text(stats->median) + " / " + ms_text(stats->p90) + " / " + ms_text(stats->p95) +
           " / " + ms_text(stats->p99);
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string csv_metric(const measure::IterationRecord& record, const char* name) {
    std::optional<double> value = record.metric(name);
    return value ? core::fixed(*value, 3) : std::string();
}

} // namespace

std::string percentile_key(double p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "p%g", p);
    return buffer;
}

std::string ms_cell(const std::optional<ai::MetricStats>& stats, double ai::MetricStats::*field) {
    return stats ? ms_text((*stats).*field) : std::string("-");
}

AiResultView make_view(const ai::Target& target, ai::Operation operation,
                       const ai::BenchmarkResult& result, const analysis::AiAdviceSettings& advice,
                       const std::optional<sys::GpuStats>& gpu, std::int64_t run_id,
                       const std::vector<double>& percentiles) {
    AiResultView view;
    view.target = target;
    view.operation = operation;
    view.summary = ai::summarize_benchmark(result, percentiles);
    view.load = ai::summarize_load(result);
    view.first_error = result.first_error;
    view.errors_by_status = result.errors_by_status;
    view.gpu = gpu;
    view.run_id = run_id;
    const analysis::AiThresholds& t =
        analysis::ai_thresholds_for(advice, std::string(ai::to_string(target.type)));
    view.error_rate_max = advice.error_rate_max;
    view.verdict = ai::verdict_for(view.summary, t.slow_ms, t.fast_ms, advice.error_rate_max);
    return view;
}

std::string render_ai_table(const std::vector<AiResultView>& views, bool color, std::size_t width) {
    report::Table table({"subject", "requests", "errors", "error rate", "TTFT ms med/p90/p95/p99",
                         "ITL ms med/p90/p95/p99", "TPOT ms med/p90/p95/p99",
                         "E2E ms med/p90/p95/p99", "out tok/s", "req/s", "tokens from", "verdict"});
    // What stays on the row at 80 columns: the subject, TTFT and the verdict; then what fits.
    table.set_overflow(report::Overflow::stack);
    const int priorities[] = {0, 7, 6, 5, 0, 9, 10, 2, 3, 4, 11, 1};
    for (std::size_t c = 0; c < std::size(priorities); ++c) {
        table.set_priority(c, priorities[c]);
    }
    for (const AiResultView& v : views) {
        const ai::BenchmarkSummary& s = v.summary;
        std::string subject = !v.subject.empty() ? v.subject
                                                 : v.target.name + "/" + v.target.model + "/" +
                                                       std::string(ai::to_string(v.operation));
        table.add_row(
            {subject, std::to_string(s.requests), std::to_string(s.errors),
             error_rate_text(s.error_rate), latency_cell(s.ttft_ms), latency_cell(s.itl_ms),
             latency_cell(s.tpot_ms), latency_cell(s.e2e_ms),
             core::fixed(s.output_token_throughput, 1), core::fixed(s.request_throughput, 2),
             s.token_source.empty() ? "-" : s.token_source, v.verdict.empty() ? "-" : v.verdict});
    }
    return table.render(color, width);
}

std::string render_ai_errors(const std::vector<AiResultView>& views) {
    std::string out;
    for (const AiResultView& v : views) {
        if (v.summary.errors > 0) {
            out += "  " + v.target.name + "/" + v.target.model + ": error rate " +
                   error_rate_text(v.summary.error_rate) + " (" + std::to_string(v.summary.errors) +
                   " of " + std::to_string(v.summary.requests) + " requests failed";
            out += v.verdict == "failing"
                       ? "; above the line of " + error_rate_text(v.error_rate_max) + ": failing)\n"
                       : ")\n";
        }
        for (const auto& [error_class, count] : v.summary.errors_by_class) {
            auto first = v.first_error.find(error_class);
            out += "  " + v.target.name + "/" + v.target.model + ": " + std::to_string(count) +
                   " of " + std::to_string(v.summary.requests) + " failed (" + error_class + ")";
            if (first != v.first_error.end() && !first->second.empty()) {
                out += ": " + first->second;
            }
            out += "\n";
        }
    }
    return out;
}

std::string render_gpu_line(const std::string& gpu_name, const std::optional<sys::GpuStats>& gpu,
                            double output_tokens, const std::string& note) {
    if (!gpu || gpu->samples == 0) {
        return "GPU telemetry: " + (note.empty() ? std::string("not available") : note) + "\n";
    }
    std::string out = "GPU: " + gpu_name;
    if (gpu->utilization_mean_pct) {
        out += " · util mean " + core::fixed(*gpu->utilization_mean_pct, 1) + "% max " +
               core::fixed(gpu->utilization_max_pct.value_or(0), 1) + "%";
    }
    if (gpu->memory_used_max_bytes) {
        out +=
            " · memory max " + report::format_value(double(*gpu->memory_used_max_bytes), "bytes");
        if (gpu->memory_total_bytes) {
            out += " of " + report::format_value(double(*gpu->memory_total_bytes), "bytes");
        }
    }
    if (gpu->temperature_max_c) {
        out += " · temp max " + core::fixed(*gpu->temperature_max_c, 0) + " °C";
    }
    if (gpu->power_mean_w) {
        out += " · power mean " + core::fixed(*gpu->power_mean_w, 0) + " W";
    }
    if (gpu->energy_j) {
        out += " · energy " + core::fixed(*gpu->energy_j, 0) + " J";
        if (*gpu->energy_j > 0 && output_tokens > 0) {
            out += " (" + core::fixed(output_tokens / *gpu->energy_j, 2) + " output tokens/J)";
        }
    }
    if (gpu->throttled_fraction && *gpu->throttled_fraction > 0) {
        out += " · THROTTLED in " + core::fixed(*gpu->throttled_fraction * 100, 0) +
               "% of samples (" + core::join(gpu->throttle_reasons, ", ") + ")";
    }
    out += " (" + std::to_string(gpu->samples) + " samples)\n";
    return note.empty() ? out : out + "  note: " + note + "\n";
}

nlohmann::json gpu_stats_to_json(const sys::GpuStats& stats, double output_tokens) {
    nlohmann::json gpu = {{"samples", stats.samples}};
    auto put = [&gpu](const char* key, const auto& value) {
        if (value) {
            gpu[key] = *value;
        }
    };
    put("utilization_mean_pct", stats.utilization_mean_pct);
    put("utilization_max_pct", stats.utilization_max_pct);
    put("memory_used_mean_bytes", stats.memory_used_mean_bytes);
    put("memory_used_max_bytes", stats.memory_used_max_bytes);
    put("memory_reserved_max_bytes", stats.memory_reserved_max_bytes);
    put("memory_total_bytes", stats.memory_total_bytes);
    put("temperature_max_c", stats.temperature_max_c);
    put("power_mean_w", stats.power_mean_w);
    put("energy_j", stats.energy_j);
    if (stats.energy_j && *stats.energy_j > 0 && output_tokens > 0) {
        gpu["tokens_per_joule"] = output_tokens / *stats.energy_j;
    }
    if (stats.throttled_fraction) {
        gpu["throttled_fraction"] = *stats.throttled_fraction;
        gpu["throttle_reasons"] = stats.throttle_reasons;
    }
    return gpu;
}

nlohmann::json stats_to_json(const std::optional<ai::MetricStats>& stats) {
    if (!stats) {
        return nullptr;
    }
    return {{"count", stats->count},   {"mean", stats->mean}, {"median", stats->median},
            {"p90", stats->p90},       {"p95", stats->p95},   {"p99", stats->p99},
            {"stddev", stats->stddev}, {"min", stats->min},   {"max", stats->max}};
}

nlohmann::json result_to_json(const AiResultView& v) {
    const ai::BenchmarkSummary& s = v.summary;
    nlohmann::json by_class = nlohmann::json::object();
    for (const auto& [error_class, count] : s.errors_by_class) {
        by_class[error_class] = count;
    }
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, count] : v.errors_by_status) {
        by_status[std::to_string(status)] = count;
    }
    nlohmann::json messages = nlohmann::json::object();
    for (const auto& [error_class, message] : v.first_error) {
        messages[error_class] = message;
    }
    nlohmann::json percentiles = nlohmann::json::object();
    for (const auto& [metric, values] : s.percentiles) {
        nlohmann::json& of_metric = percentiles[metric];
        for (const auto& [p, value] : values) {
            of_metric[percentile_key(p)] = value;
        }
    }
    nlohmann::json out = {
        {"provider", v.target.name},
        {"provider_type", std::string(ai::to_string(v.target.type))},
        {"base_url", net::url_for_messages(v.target.base_url)},
        {"model", v.target.model},
        {"operation", std::string(ai::to_string(v.operation))},
        {"requests", s.requests},
        {"succeeded", s.succeeded},
        {"errors",
         {{"count", s.errors},
          {"by_class", by_class},
          {"by_status", by_status},
          {"first_message", messages}}},
        {"error_rate", s.error_rate ? nlohmann::json(*s.error_rate) : nlohmann::json(nullptr)},
        {"error_rate_max", v.error_rate_max},
        {"ttft_ms", stats_to_json(s.ttft_ms)},
        {"ttfo_ms", stats_to_json(s.ttfo_ms)},
        {"itl_ms", stats_to_json(s.itl_ms)},
        {"tpot_ms", stats_to_json(s.tpot_ms)},
        {"e2e_ms", stats_to_json(s.e2e_ms)},
        {"output_tokens", stats_to_json(s.output_tokens)},
        {"input_tokens", stats_to_json(s.input_tokens)},
        {"reasoning_tokens", stats_to_json(s.reasoning_tokens)},
        {"token_source",
         s.token_source.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.token_source)},
        {"percentiles", percentiles},
        {"wall_s", s.wall_s},
        {"total_input_tokens", s.total_input_tokens},
        {"total_output_tokens", s.total_output_tokens},
        {"request_throughput", s.request_throughput},
        {"output_token_throughput", s.output_token_throughput},
        {"total_token_throughput", s.total_token_throughput},
        {"goodput", v.goodput ? nlohmann::json(*v.goodput) : nlohmann::json(nullptr)},
        {"verdict", v.verdict.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.verdict)},
        {"run_id", v.run_id > 0 ? nlohmann::json(v.run_id) : nlohmann::json(nullptr)},
        {"load", load_to_json(v.load)},
    };
    if (v.gpu && v.gpu->samples > 0) {
        double tokens = double(s.total_output_tokens);
        nlohmann::json gpu = gpu_stats_to_json(*v.gpu, tokens);
        nlohmann::json devices = nlohmann::json::array();
        for (const sys::GpuDeviceStats& device : v.gpu_devices) {
            // Tokens per joule is the server's, over all its devices: not split per device.
            nlohmann::json one = gpu_stats_to_json(device.stats, 0);
            one["index"] = device.index;
            one["name"] = device.name;
            one["uuid"] = device.uuid;
            devices.push_back(std::move(one));
        }
        gpu["devices"] = std::move(devices);
        out["gpu"] = gpu;
    }
    return out;
}

std::string export_csv_header() {
    return "provider,model,operation,index,prompt_index,status,error_class,ttft_ms,e2e_ms,itl_ms,"
           "tpot_ms,input_tokens,output_tokens,token_source,ttfo_ms,reasoning_tokens\n";
}

std::string export_csv_row(const ai::Target& target, ai::Operation operation,
                           const ai::RequestReport& r) {
    bool ok = r.error == ai::ErrorClass::none;
    std::string row = csv_field(target.name) + "," + csv_field(target.model) + "," +
                      std::string(ai::to_string(operation)) + "," + std::to_string(r.index) + "," +
                      std::to_string(r.prompt_index) + "," + (ok ? "ok" : "failed") + "," +
                      std::string(ok ? "" : ai::to_string(r.error)) + ",";
    for (const char* metric :
         {"ttft_ms", "e2e_ms", "itl_ms", "tpot_ms", "input_tokens", "output_tokens"}) {
        row += csv_metric(r.record, metric) + ",";
    }
    row += r.output_token_source ? std::string(ai::to_string(*r.output_token_source)) : "";
    row += "," + csv_metric(r.record, "ttfo_ms") + "," + csv_metric(r.record, "reasoning_tokens");
    return row + "\n";
}

} // namespace farm::commands
