#include "farm/ai/response_decoder.hpp"

#include "farm/ai/server_json.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/core/text.hpp"

namespace farm::ai {

namespace {

using nlohmann::json;

// Streamed bodies keep this much of their start, to explain a stream that had no events (a
// server that answered a stream request with a plain JSON error).
constexpr std::size_t kept_stream_start = 64 * 1024;

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
    case ErrorClass::response_too_large:
        return "response_too_large";
    }
    return "?";
}

ResponseDecoder::ResponseDecoder(WireFormat format, bool streamed, DecoderLimits limits)
    : m_format(format), m_streamed(streamed), m_limits(limits) {}

void ResponseDecoder::check_limits(std::string_view bytes) {
    if (m_result.bytes > m_limits.max_response_bytes) {
        fail(ErrorClass::response_too_large, "the answer passed " +
                                                 std::to_string(m_limits.max_response_bytes) +
                                                 " bytes (--max-response-bytes) without ending");
        return;
    }
    if (!m_streamed) {
        return;
    }
    // The parsers keep the line not ended yet: it must not grow past the line limit.
    if (m_line_bytes + bytes.size() <= m_limits.max_line_bytes) {
        // No line can pass it in this piece (the usual case): only the length of the line the
        // piece leaves open is needed, found from its end.
        std::size_t last_break = core::find_last_line_break(bytes);
        m_line_bytes = last_break == std::string_view::npos ? m_line_bytes + bytes.size()
                                                            : bytes.size() - last_break - 1;
        return;
    }
    std::size_t start = m_result.bytes - bytes.size();
    while (!bytes.empty()) {
        std::size_t end = core::find_line_break(bytes);
        end = end == bytes.size() ? std::string_view::npos : end;
        std::size_t taken = end == std::string_view::npos ? bytes.size() : end;
        if (m_line_bytes + taken > m_limits.max_line_bytes) {
            fail(ErrorClass::response_too_large,
                 "byte " + std::to_string(start - m_line_bytes) + ": a line longer than " +
                     std::to_string(m_limits.max_line_bytes) + " bytes");
            return;
        }
        if (end == std::string_view::npos) {
            m_line_bytes += taken;
            return;
        }
        m_line_bytes = 0;
        start += end + 1;
        bytes.remove_prefix(end + 1);
    }
}

void ResponseDecoder::feed(std::string_view bytes, double at_ms) {
    if (bytes.empty()) {
        return;
    }
    if (!m_result.first_byte_ms) {
        m_result.first_byte_ms = at_ms;
    }
    m_result.last_byte_ms = at_ms;
    m_result.bytes += bytes.size();
    if (!stopped()) {
        check_limits(bytes);
    }
    if (m_result.error == ErrorClass::response_too_large) {
        return; // keep nothing more of it
    }
    if (!m_streamed) {
        m_body.append(bytes);
        return;
    }
    if (!stopped()) {
        if (m_format == WireFormat::ollama_chat || m_format == WireFormat::ollama_generate ||
            m_format == WireFormat::ollama_embed) {
            m_lines.clear();
            m_ndjson.feed(bytes, m_lines);
            for (const NdjsonLine& line : m_lines) {
                on_line(line, at_ms);
            }
        } else {
            m_sse.feed(bytes, [this, at_ms](const SseEvent& event) { on_event(event, at_ms); });
        }
    }
    // The start is read only for a stream without a single message (finish): once one came, the
    // rest is not copied. Pieces before it were kept, so what is kept always starts the body.
    if (m_messages == 0 && m_body.size() < kept_stream_start) {
        m_body.append(bytes.substr(0, kept_stream_start - m_body.size()));
    }
}

void ResponseDecoder::finish(double at_ms) {
    if (m_streamed && !stopped()) {
        m_lines.clear();
        m_sse.finish([this, at_ms](const SseEvent& event) { on_event(event, at_ms); });
        m_ndjson.finish(m_lines);
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
            m_messages == 0 ? object_error(core::parse_json_or_discarded(m_body)) : "";
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
        parsed = core::parse_json(body);
    } catch (const json::exception& error) {
        fail(ErrorClass::stream_error,
             "the body is not JSON (" + json_parse_problem(error) + "): " + core::excerpt(body));
        return;
    }
    // TGI's compatibility route answers generate with a one-element array.
    if (m_format == WireFormat::tgi_generate && parsed.is_array() && parsed.size() == 1) {
        parsed = json(parsed[0]);
    }
    if (!parsed.is_object()) {
        fail(ErrorClass::stream_error, "the body is not a JSON object: " + core::excerpt(body));
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
    auto where = [&event] { return "byte " + std::to_string(event.offset) + ": "; };
    if (event.type == "error") {
        fail(ErrorClass::stream_error,
             where() + "the server sent an error event: " + error_message_from_body(event.data));
        return;
    }
    std::string_view data = trim(event.data);
    if (data == "[DONE]" && m_format != WireFormat::tgi_generate) {
        mark_end(at_ms);
        return;
    }
    bool openai_text =
        m_format == WireFormat::openai_chat || m_format == WireFormat::openai_completion;
    if (openai_text && read_openai_chunk_fast(data, m_streamed ? "delta" : "message", m_chunk)) {
        apply_openai(m_chunk, event.offset, at_ms); // the same reading as below, without a DOM
        return;
    }
    json object;
    try {
        object = core::parse_json(data);
    } catch (const json::exception& error) {
        fail(ErrorClass::stream_error, where() + "event data is not JSON (" +
                                           json_parse_problem(error) + "): " + core::excerpt(data));
        return;
    }
    if (!object.is_object()) {
        fail(ErrorClass::stream_error,
             where() + "event data is not a JSON object: " + core::excerpt(data));
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
        fail(ErrorClass::stream_error, "byte " + std::to_string(line.offset) +
                                           ": a line is a JSON " + line.value.type_name() +
                                           ", not an object");
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

void ResponseDecoder::mark_end(double at_ms) {
    m_result.complete = true;
    m_result.end_marker_ms = at_ms;
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
