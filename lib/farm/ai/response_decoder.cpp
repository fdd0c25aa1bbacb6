#include "farm/ai/response_decoder.hpp"

#include <limits>

namespace farm::ai {

namespace {

using nlohmann::json;

// Streamed bodies keep this much of their start, to explain a stream that had no events (a
// server that answered a stream request with a plain JSON error).
constexpr std::size_t kept_stream_start = 64 * 1024;

const json* member(const json& object, const char* key) {
    if (!object.is_object()) {
        return nullptr;
    }
    json::const_iterator it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string_view string_member(const json& object, const char* key) {
    const json* value = member(object, key);
    return value != nullptr && value->is_string()
               ? std::string_view(value->get_ref<const std::string&>())
               : std::string_view();
}

// A count that is not a whole number in int64's range counts as absent: a damaged answer must
// not turn into nonsense (or undefined behaviour) in the metrics.
std::optional<std::int64_t> integer_member(const json& object, const char* key) {
    const json* value = member(object, key);
    if (value == nullptr || !value->is_number()) {
        return std::nullopt;
    }
    if (value->is_number_float()) {
        double number = value->get<double>();
        if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) {
            return std::nullopt;
        }
        return std::int64_t(number);
    }
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return value->get<std::int64_t>();
}

// "message (type, code)" from the many shapes servers give an error.
std::string describe_error(const json& error) {
    if (error.is_string()) {
        return error.get<std::string>();
    }
    if (!error.is_object()) {
        return excerpt(error.dump(-1, ' ', false, json::error_handler_t::replace), 300);
    }
    std::string message(string_member(error, "message"));
    if (message.empty()) {
        message = excerpt(error.dump(-1, ' ', false, json::error_handler_t::replace), 300);
    }
    std::string extra;
    for (const char* key : {"type", "code"}) {
        const json* value = member(error, key);
        if (value != nullptr && (value->is_string() || value->is_number())) {
            std::string text = value->is_string() ? value->get<std::string>() : value->dump();
            extra += (extra.empty() ? "" : ", ") + text;
        }
    }
    return extra.empty() ? message : message + " (" + extra + ")";
}

// The error an answer object carries, empty when none: {"error": ...} in every format, and TGI's
// error_type beside it.
std::string object_error(const json& object) {
    const json* error = member(object, "error");
    if (error == nullptr || error->is_null()) {
        return "";
    }
    std::string message = describe_error(*error);
    std::string_view type = string_member(object, "error_type");
    if (!type.empty()) {
        message += " (" + std::string(type) + ")";
    }
    return excerpt(message, 300);
}

std::string_view trim(std::string_view text) {
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) {
        return {};
    }
    std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(start, end - start + 1);
}

std::string parse_problem(const json::parse_error& error) {
    std::string what = error.what();
    std::size_t colon = what.find(": ");
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

} // namespace

std::string_view to_string(ErrorClass error) {
    switch (error) {
    case ErrorClass::none:
        return "none";
    case ErrorClass::connect:
        return "connect";
    case ErrorClass::http_status:
        return "http_status";
    case ErrorClass::timeout:
        return "timeout";
    case ErrorClass::stream_error:
        return "stream_error";
    case ErrorClass::incomplete:
        return "incomplete";
    }
    return "?";
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (char c : text) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

std::string error_message_from_body(std::string_view body) {
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_object()) {
        std::string message = object_error(parsed);
        for (const char* key : {"detail", "message"}) {
            const json* value = member(parsed, key);
            if (message.empty() && value != nullptr && !value->is_null()) {
                message = excerpt(describe_error(*value), 300);
            }
        }
        if (!message.empty()) {
            return message;
        }
    }
    std::string start = excerpt(trim(body), 300);
    return start.empty() ? "(empty body)" : start;
}

ResponseDecoder::ResponseDecoder(WireFormat format, bool streamed)
    : m_format(format), m_streamed(streamed) {}

void ResponseDecoder::feed(std::string_view bytes, double at_ms) {
    if (bytes.empty()) {
        return;
    }
    if (!m_result.first_byte_ms) {
        m_result.first_byte_ms = at_ms;
    }
    m_result.last_byte_ms = at_ms;
    m_result.bytes += bytes.size();
    if (!m_streamed) {
        m_body.append(bytes);
        return;
    }
    if (m_body.size() < kept_stream_start) {
        m_body.append(bytes.substr(0, kept_stream_start - m_body.size()));
    }
    if (stopped()) {
        return;
    }
    if (m_format == WireFormat::ollama_chat || m_format == WireFormat::ollama_generate ||
        m_format == WireFormat::ollama_embed) {
        m_lines.clear();
        m_ndjson.feed(bytes, m_lines);
        for (const NdjsonLine& line : m_lines) {
            on_line(line, at_ms);
        }
    } else {
        m_events.clear();
        m_sse.feed(bytes, m_events);
        for (const SseEvent& event : m_events) {
            on_event(event, at_ms);
        }
    }
}

void ResponseDecoder::finish(double at_ms) {
    if (m_streamed && !stopped()) {
        m_events.clear();
        m_lines.clear();
        m_sse.finish(m_events);
        m_ndjson.finish(m_lines);
        for (const SseEvent& event : m_events) {
            on_event(event, at_ms);
        }
        for (const NdjsonLine& line : m_lines) {
            on_line(line, at_ms);
        }
    }
    if (!m_streamed) {
        finish_body(at_ms);
    }
    if (!m_result.ok()) {
        return;
    }
    if (!m_result.complete) {
        // A server that answers a stream request with one JSON error object sends no events.
        std::string error =
            m_messages == 0 ? object_error(json::parse(m_body, nullptr, false)) : "";
        if (!error.empty()) {
            fail(ErrorClass::stream_error, "the server answered with an error: " + error);
        } else {
            fail(ErrorClass::incomplete, missing_end_message());
        }
        return;
    }
    bool embed = m_format == WireFormat::openai_embedding || m_format == WireFormat::ollama_embed;
    if (embed && m_result.facts.embeddings == 0) {
        fail(ErrorClass::stream_error, "the answer holds no embedding");
    } else if (!embed && m_result.text.empty()) {
        fail(ErrorClass::stream_error,
             std::string("the answer carried no content") +
                 (m_result.facts.output_tokens ? " (only usage or final facts)" : ""));
    }
}

void ResponseDecoder::finish_body(double at_ms) {
    std::string_view body = trim(m_body);
    json parsed;
    try {
        parsed = json::parse(body);
    } catch (const json::parse_error& error) {
        fail(ErrorClass::stream_error,
             "the body is not JSON (" + parse_problem(error) + "): " + excerpt(body));
        return;
    }
    // TGI's compatibility route answers generate with a one-element array.
    if (m_format == WireFormat::tgi_generate && parsed.is_array() && parsed.size() == 1) {
        parsed = json(parsed[0]);
    }
    if (!parsed.is_object()) {
        fail(ErrorClass::stream_error, "the body is not a JSON object: " + excerpt(body));
        return;
    }
    ++m_messages;
    on_object(parsed, 0, at_ms);
    if (m_result.ok()) {
        m_result.complete = true;
    }
}

void ResponseDecoder::on_event(const SseEvent& event, double at_ms) {
    if (stopped()) {
        return;
    }
    ++m_messages;
    std::string where = "byte " + std::to_string(event.offset) + ": ";
    if (event.type == "error") {
        fail(ErrorClass::stream_error,
             where + "the server sent an error event: " + error_message_from_body(event.data));
        return;
    }
    std::string_view data = trim(event.data);
    if (data == "[DONE]" && m_format != WireFormat::tgi_generate) {
        m_result.complete = true;
        return;
    }
    json object;
    try {
        object = json::parse(data);
    } catch (const json::parse_error& error) {
        fail(ErrorClass::stream_error,
             where + "event data is not JSON (" + parse_problem(error) + "): " + excerpt(data));
        return;
    }
    if (!object.is_object()) {
        fail(ErrorClass::stream_error, where + "event data is not a JSON object: " + excerpt(data));
        return;
    }
    on_object(object, event.offset, at_ms);
}

void ResponseDecoder::on_line(const NdjsonLine& line, double at_ms) {
    if (stopped()) {
        return;
    }
    ++m_messages;
    if (!line.ok()) {
        fail(ErrorClass::stream_error, line.error);
    } else if (!line.value.is_object()) {
        fail(ErrorClass::stream_error,
             "byte " + std::to_string(line.offset) + ": a line is not a JSON object: " +
                 excerpt(line.value.dump(-1, ' ', false, json::error_handler_t::replace)));
    } else {
        on_object(line.value, line.offset, at_ms);
    }
}

void ResponseDecoder::on_object(const json& object, std::size_t offset, double at_ms) {
    std::string error = object_error(object);
    if (!error.empty()) {
        std::string where = m_streamed ? "byte " + std::to_string(offset) + ": " : "";
        fail(ErrorClass::stream_error, where + "the server reported an error: " + error);
        return;
    }
    switch (m_format) {
    case WireFormat::openai_chat:
    case WireFormat::openai_completion:
    case WireFormat::openai_embedding:
        on_openai(object, offset, at_ms);
        break;
    case WireFormat::ollama_chat:
    case WireFormat::ollama_generate:
    case WireFormat::ollama_embed:
        on_ollama(object, offset, at_ms);
        break;
    case WireFormat::tgi_generate:
        on_tgi(object, offset, at_ms);
        break;
    }
}

void ResponseDecoder::on_openai(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    const json* usage = member(object, "usage");
    if (usage != nullptr && usage->is_object()) {
        if (std::optional<std::int64_t> prompt = integer_member(*usage, "prompt_tokens")) {
            facts.input_tokens = prompt;
        }
        if (std::optional<std::int64_t> completion = integer_member(*usage, "completion_tokens")) {
            facts.output_tokens = completion;
        }
    }
    if (m_format == WireFormat::openai_embedding) {
        const json* data = member(object, "data");
        if (data != nullptr && data->is_array()) {
            for (const json& item : *data) {
                const json* vector = member(item, "embedding");
                if (vector != nullptr && (vector->is_array() || vector->is_string())) {
                    if (facts.embeddings++ == 0 && vector->is_array()) {
                        facts.embedding_dimensions = vector->size();
                    }
                }
            }
        }
        return;
    }
    const json* choices = member(object, "choices");
    if (choices == nullptr || !choices->is_array() || choices->empty()) {
        return;
    }
    const json& choice = (*choices)[0];
    std::string_view finish = string_member(choice, "finish_reason");
    if (!finish.empty()) {
        facts.finish_reason = finish;
    }
    // Streamed chat has delta, non-streamed chat message, completions text.
    const json* message = member(choice, m_streamed ? "delta" : "message");
    if (message != nullptr && message->is_object()) {
        std::string text(string_member(*message, "reasoning_content"));
        text += string_member(*message, "content");
        add_content(text, offset, at_ms);
    } else {
        add_content(string_member(choice, "text"), offset, at_ms);
    }
}

void ResponseDecoder::on_ollama(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    if (m_format == WireFormat::ollama_embed) {
        const json* embeddings = member(object, "embeddings");
        if (embeddings != nullptr && embeddings->is_array()) {
            facts.embeddings = embeddings->size();
            if (!embeddings->empty() && (*embeddings)[0].is_array()) {
                facts.embedding_dimensions = (*embeddings)[0].size();
            }
        }
    } else if (m_format == WireFormat::ollama_chat) {
        const json* message = member(object, "message");
        if (message != nullptr) {
            std::string text(string_member(*message, "thinking"));
            text += string_member(*message, "content");
            add_content(text, offset, at_ms);
        }
    } else {
        std::string text(string_member(object, "thinking"));
        text += string_member(object, "response");
        add_content(text, offset, at_ms);
    }
    const json* done = member(object, "done");
    bool final_line = (done != nullptr && done->is_boolean() && done->get<bool>()) ||
                      m_format == WireFormat::ollama_embed;
    if (!final_line) {
        return;
    }
    facts.input_tokens = integer_member(object, "prompt_eval_count");
    facts.output_tokens = integer_member(object, "eval_count");
    facts.total_duration_ns = integer_member(object, "total_duration");
    facts.load_duration_ns = integer_member(object, "load_duration");
    facts.prompt_eval_duration_ns = integer_member(object, "prompt_eval_duration");
    facts.eval_duration_ns = integer_member(object, "eval_duration");
    facts.finish_reason = string_member(object, "done_reason");
    if (m_streamed) {
        m_result.complete = true;
    }
}

void ResponseDecoder::on_tgi(const json& object, std::size_t offset, double at_ms) {
    FinalFacts& facts = m_result.facts;
    if (m_streamed) {
        const json* token = member(object, "token");
        const json* special = token != nullptr ? member(*token, "special") : nullptr;
        bool is_special = special != nullptr && special->is_boolean() && special->get<bool>();
        if (token != nullptr && !is_special) {
            add_content(string_member(*token, "text"), offset, at_ms);
        }
    } else {
        add_content(string_member(object, "generated_text"), offset, at_ms);
    }
    const json* details = member(object, "details");
    if (details != nullptr && details->is_object()) {
        facts.finish_reason = string_member(*details, "finish_reason");
        facts.output_tokens = integer_member(*details, "generated_tokens");
        facts.input_tokens = integer_member(*details, "input_length");
    }
    const json* generated = member(object, "generated_text");
    bool last = (generated != nullptr && !generated->is_null()) ||
                (details != nullptr && !details->is_null());
    if (m_streamed && last) {
        m_result.complete = true;
    }
}

void ResponseDecoder::add_content(std::string_view text, std::size_t offset, double at_ms) {
    if (text.empty()) {
        return;
    }
    std::size_t chars = utf8_length(text);
    m_result.text.append(text);
    m_result.text_chars += chars;
    if (m_streamed) {
        m_result.chunks.push_back(ContentChunk{at_ms, chars, offset});
    }
}

void ResponseDecoder::fail(ErrorClass error, std::string message) {
    if (m_result.ok()) {
        m_result.error = error;
        m_result.error_message = std::move(message);
    }
}

std::string ResponseDecoder::missing_end_message() const {
    std::string end =
        m_format == WireFormat::tgi_generate ? "a last event with details"
        : m_format == WireFormat::ollama_chat || m_format == WireFormat::ollama_generate
            ? "a line with \"done\": true"
            : "data: [DONE]";
    std::string what =
        m_format == WireFormat::ollama_chat || m_format == WireFormat::ollama_generate ? " lines"
                                                                                       : " events";
    return "the stream ended without " + end + " after " + std::to_string(m_messages) + what +
           " (" + std::to_string(m_result.chunks.size()) + " with content, " +
           std::to_string(m_result.bytes) + " bytes)";
}

} // namespace farm::ai
