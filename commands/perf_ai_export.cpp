#include "commands/perf_ai_export.hpp"

#include <nlohmann/json.hpp>

namespace farm::commands {

namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& value) {
    return value ? json(*value) : json(nullptr);
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Each chunk as the stream showed it. A stream names no per-chunk token count, so a chunk is one
// token here; the request's output_tokens is what the server counted (usage, eval_count,
// generated_tokens) when it said.
json chunks_json(const std::vector<ai::ContentChunk>& chunks) {
    json out = json::array();
    for (const ai::ContentChunk& chunk : chunks) {
        out.push_back({{"at_ms", chunk.at_ms},
                       {"tokens", 1},
                       {"chars", chunk.chars},
                       {"kind", chunk.answer ? "answer" : "reasoning"}});
    }
    return out;
}

std::optional<double> first_answer_ms(const std::vector<ai::ContentChunk>& chunks) {
    for (const ai::ContentChunk& chunk : chunks) {
        if (chunk.answer) {
            return chunk.at_ms;
        }
    }
    return std::nullopt;
}

} // namespace

bool exports_json_lines(const std::string& path) {
    return ends_with(path, ".jsonl") || ends_with(path, ".ndjson");
}

std::string export_jsonl_line(const ai::Target& target, ai::Operation operation,
                              std::size_t benchmark, const std::string& load_key,
                              const std::string& load_value, const ai::RequestReport& request) {
    const measure::IterationRecord& record = request.record;
    bool ok = request.error == ai::ErrorClass::none;
    ai::RequestTimeline timeline = request.timeline.value_or(ai::RequestTimeline{});
    // A request that waited for its turn (rate mode) was due before it was sent.
    std::optional<double> lag = record.metric("schedule_lag_ms");
    std::optional<double> first_token;
    if (!timeline.chunks.empty()) {
        first_token = timeline.chunks.front().at_ms;
    }
    std::optional<double> output_tokens = record.metric("output_tokens");
    json line = {
        {"benchmark", benchmark},
        {"provider", target.name},
        {"provider_type", std::string(ai::to_string(target.type))},
        {"model", target.model},
        {"operation", std::string(ai::to_string(operation))},
        {"load", {{load_key, load_value}}},
        {"index", request.index},
        {"status", ok ? "ok" : "failed"},
        {"error_class", ok ? json(nullptr) : json(std::string(ai::to_string(request.error)))},
        {"error", ok ? json(nullptr) : json(request.error_message)},
        {"http_status", timeline.http_status},
        {"scheduled_ms", timeline.sent_ms - lag.value_or(0)},
        {"sent_ms", timeline.sent_ms},
        {"first_token_ms", optional_number(first_token)},
        {"first_answer_ms", optional_number(first_answer_ms(timeline.chunks))},
        {"end_marker_ms", optional_number(timeline.end_marker_ms)},
        {"end_ms", optional_number(timeline.end_ms)},
        {"chunks", chunks_json(timeline.chunks)},
        {"input_tokens", optional_number(record.metric("input_tokens"))},
        {"output_tokens", optional_number(output_tokens)},
        {"token_source", request.output_token_source
                             ? json(std::string(ai::to_string(*request.output_token_source)))
                             : json(nullptr)},
        {"reasoning_tokens", optional_number(record.metric("reasoning_tokens"))},
    };
    return line.dump() + "\n";
}

} // namespace farm::commands
