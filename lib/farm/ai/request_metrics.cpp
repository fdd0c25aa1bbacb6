#include "farm/ai/request_metrics.hpp"

namespace farm::ai {

namespace {

void add(std::vector<measure::MetricValue>& metrics, const char* name, const char* unit,
         double value) {
    metrics.push_back(measure::MetricValue{name, unit, value});
}

void add_ns_as_ms(std::vector<measure::MetricValue>& metrics, const char* name,
                  const std::optional<std::int64_t>& ns) {
    if (ns) {
        add(metrics, name, "ms", double(*ns) / 1e6);
    }
}

// The first chunk that carries answer text or a tool call, as a time since `sent_ms`.
std::optional<double> first_answer_ms(const std::vector<ContentChunk>& chunks, double sent_ms) {
    for (const ContentChunk& chunk : chunks) {
        if (chunk.answer) {
            return chunk.at_ms - sent_ms;
        }
    }
    return std::nullopt;
}

} // namespace

ErrorClass RequestRecord::error() const {
    return transport_error != ErrorClass::none ? transport_error : response.error;
}

const std::string& RequestRecord::error_message() const {
    return transport_error != ErrorClass::none ? transport_message : response.error_message;
}

std::string_view to_string(TokenSource source) {
    switch (source) {
    case TokenSource::server:
        return "server";
    case TokenSource::chunks:
        return "chunks";
    case TokenSource::chars_div_4:
        return "chars/4";
    }
    return "?";
}

std::int64_t tokens_from_chars(std::size_t chars) {
    return std::int64_t((chars + 3) / 4);
}

RequestMetrics request_metrics(const RequestRecord& record) {
    RequestMetrics result;
    std::vector<measure::MetricValue>& metrics = result.metrics;
    metrics.reserve(24); // the metrics of a streamed answer and the load's, without regrowing
    if (record.failed()) {
        add(metrics, "failed", "count", 1);
        return result;
    }
    const DecodedResponse& response = record.response;
    const FinalFacts& facts = response.facts;
    std::optional<double> ttft;
    std::optional<double> ttfo;
    std::optional<double> e2e;
    if (record.streamed) {
        if (!response.chunks.empty()) {
            ttft = response.chunks.front().at_ms - record.sent_ms;
            ttfo = first_answer_ms(response.chunks, record.sent_ms);
            // A complete stream has its end marker; the last chunk is a fallback only.
            e2e = response.end_marker_ms.value_or(response.chunks.back().at_ms) - record.sent_ms;
            result.itl_gaps_ms.reserve(response.chunks.size() - 1);
            for (std::size_t i = 1; i < response.chunks.size(); ++i) {
                result.itl_gaps_ms.push_back(response.chunks[i].at_ms -
                                             response.chunks[i - 1].at_ms);
            }
        }
    } else if (record.end_ms) {
        e2e = *record.end_ms - record.sent_ms;
    }

    std::optional<std::int64_t> output_tokens;
    bool embed = facts.embeddings > 0;
    if (facts.output_tokens) {
        output_tokens = facts.output_tokens;
        result.output_token_source = TokenSource::server;
    } else if (record.streamed) {
        output_tokens = std::int64_t(response.chunks.size());
        result.output_token_source = TokenSource::chunks;
    } else if (!embed) {
        output_tokens = tokens_from_chars(response.text_chars);
        result.output_token_source = TokenSource::chars_div_4;
    }
    std::optional<std::int64_t> input_tokens;
    if (facts.input_tokens) {
        input_tokens = facts.input_tokens;
        result.input_token_source = TokenSource::server;
    } else if (record.prompt_chars > 0) {
        input_tokens = tokens_from_chars(record.prompt_chars);
        result.input_token_source = TokenSource::chars_div_4;
    }

    if (ttft) {
        add(metrics, "ttft_ms", "ms", *ttft);
    }
    if (ttfo) {
        add(metrics, "ttfo_ms", "ms", *ttfo);
    }
    if (e2e) {
        add(metrics, "e2e_ms", "ms", *e2e);
    }
    if (!result.itl_gaps_ms.empty()) {
        double sum = 0;
        for (double gap : result.itl_gaps_ms) {
            sum += gap;
        }
        add(metrics, "itl_ms", "ms", sum / double(result.itl_gaps_ms.size()));
    }
    if (ttft && e2e && output_tokens && *output_tokens >= 2) {
        add(metrics, "tpot_ms", "ms", (*e2e - *ttft) / double(*output_tokens - 1));
    }
    if (input_tokens) {
        add(metrics, "input_tokens", "count", double(*input_tokens));
    }
    if (output_tokens) {
        add(metrics, "output_tokens", "count", double(*output_tokens));
    }
    if (facts.reasoning_tokens) {
        add(metrics, "reasoning_tokens", "count", double(*facts.reasoning_tokens));
    }
    add(metrics, "failed", "count", 0);
    add_ns_as_ms(metrics, "server_load_ms", facts.load_duration_ns);
    add_ns_as_ms(metrics, "server_prompt_eval_ms", facts.prompt_eval_duration_ns);
    add_ns_as_ms(metrics, "server_eval_ms", facts.eval_duration_ns);
    add_ns_as_ms(metrics, "server_total_ms", facts.total_duration_ns);
    if (facts.eval_duration_ns && *facts.eval_duration_ns > 0 && facts.output_tokens) {
        // Only Ollama reports eval_duration, and its output_tokens is then its eval_count.
        add(metrics, "server_tokens_per_s", "tokens/s",
            double(*facts.output_tokens) / double(*facts.eval_duration_ns) * 1e9);
    }
    return result;
}

} // namespace farm::ai
