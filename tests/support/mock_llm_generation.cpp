// Sending a generation answer: the script's timing, the dialect's framing, the faults.
#include "mock_llm_generation.hpp"

#include <atomic>
#include <random>
#include <sstream>
#include <thread>

namespace mock_llm {

namespace {

int count_words(const std::string& text) {
    std::istringstream in(text);
    std::string word;
    int words = 0;
    while (in >> word) {
        ++words;
    }
    return words;
}

} // namespace

std::int64_t nanoseconds(Clock::duration duration) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

int prompt_tokens(const json& request) {
    int words = 0;
    if (request.contains("messages") && request["messages"].is_array()) {
        for (const json& message : request["messages"]) {
            if (message.is_object() && message.value("content", json()).is_string()) {
                words += count_words(message["content"].get<std::string>());
            }
        }
    }
    for (const char* field : {"prompt", "inputs", "input"}) {
        if (!request.contains(field)) {
            continue;
        }
        const json& value = request[field];
        if (value.is_string()) {
            words += count_words(value.get<std::string>());
        } else if (value.is_array()) {
            for (const json& item : value) {
                words += item.is_string() ? count_words(item.get<std::string>()) : 0;
            }
        }
    }
    return std::max(words, 1);
}

std::string error_body(Dialect dialect, const std::string& message, const std::string& type) {
    if (dialect == Dialect::ollama_chat || dialect == Dialect::ollama_generate) {
        return json{{"error", message}}.dump();
    }
    if (dialect == Dialect::tgi) {
        return json{{"error", message}, {"error_type", type}}.dump();
    }
    return json{{"error", {{"message", message}, {"type", type}, {"code", nullptr}}}}.dump();
}

bool send_json(Connection& connection, int status, const std::string& body,
               std::string_view extra_headers) {
    return connection.send_head(status, "application/json", static_cast<long>(body.size()),
                                extra_headers) &&
           connection.send(body);
}

// Many long streams at once (the ITL benchmark runs 256 of 1,000 chunks on the client's machine)
// would otherwise cost the mock a JSON document a chunk, and the CPU it takes is the client's.
const std::string& Generation::content_payload(int index) {
    bool plain = m_dialect == Dialect::openai_chat && !thinking(index) && !m_script.tool_calls &&
                 index + 1 != total_chunks();
    if (!plain || !m_plain_cached) {
        m_payload = content_json(index).dump();
        m_plain_cached = plain;
    }
    return m_payload;
}

// false: the connection must be closed.
bool Generation::stream() {
    bool sse = m_dialect == Dialect::openai_chat || m_dialect == Dialect::tgi;
    if (!m_connection.send_head(200, sse ? "text/event-stream" : "application/x-ndjson", -1)) {
        return false;
    }
    if (m_fault == Fault::stall) {
        m_connection.wait_for_close();
        return false;
    }
    if (m_dialect == Dialect::openai_chat &&
        !frame(chunk_json(json{{"role", "assistant"}, {"content", ""}}, nullptr).dump())) {
        return false;
    }
    int total = total_chunks();
    int cut = (total + 1) / 2; // faults strike after this many content chunks
    for (int i = 0; i < total; ++i) {
        std::this_thread::sleep_until(content_time(i));
        if (i == 0) {
            m_first = Clock::now();
        }
        m_text += m_script.chunk_text;
        if (!frame(content_payload(i))) {
            return false;
        }
        if (i + 1 == cut && !strike_mid_stream()) {
            return m_connection.open();
        }
    }
    m_last = Clock::now();
    return finish_stream();
}

bool Generation::whole() {
    std::this_thread::sleep_until(content_time(total_chunks() - 1));
    m_first = m_start + std::chrono::milliseconds(m_script.ttft_ms);
    m_last = Clock::now();
    for (int i = 0; i < m_script.chunks; ++i) {
        m_text += m_script.chunk_text;
    }
    for (int i = 0; i < m_script.reasoning_chunks; ++i) {
        m_thinking += m_script.chunk_text;
    }
    std::string body = whole_json().dump();
    if (m_fault == Fault::error_in_stream) {
        body = error_body(m_dialect, scripted_error, "server_error");
    } else if (m_fault == Fault::malformed_line) {
        body = body.substr(0, body.size() / 2);
    }
    if (m_fault == Fault::stall || m_fault == Fault::close_mid_stream) {
        m_connection.send_head(200, "application/json", static_cast<long>(body.size()));
        if (m_fault == Fault::stall) {
            m_connection.wait_for_close();
        } else {
            m_connection.send(std::string_view(body).substr(0, body.size() / 2));
        }
        m_connection.abort();
        return false;
    }
    return send_json(m_connection, 200, body);
}

void Generation::plan_offsets() {
    static std::atomic<unsigned> generations{0};
    std::minstd_rand random(++generations);
    std::uniform_int_distribution<int> jitter(0, m_script.itl_jitter_ms);
    Clock::duration at = std::chrono::milliseconds(m_script.ttft_ms);
    for (int i = 0; i < total_chunks(); ++i) {
        if (i > 0) {
            at += std::chrono::milliseconds(m_script.itl_ms + jitter(random));
        }
        m_offsets.push_back(at);
    }
}

Clock::time_point Generation::content_time(int index) const {
    return m_start + m_offsets[static_cast<std::size_t>(index)];
}

bool Generation::wait_for_eos() const {
    if (m_script.eos_ms < 0) {
        return false;
    }
    std::this_thread::sleep_until(m_last + std::chrono::milliseconds(m_script.eos_ms));
    return true;
}

bool Generation::frame(const std::string& payload) {
    switch (m_dialect) {
    case Dialect::openai_chat:
        return m_connection.send_chunk("data: " + payload + "\n\n");
    case Dialect::tgi:
        return m_connection.send_chunk("data:" + payload + "\n\n");
    default:
        return m_connection.send_chunk(payload + "\n");
    }
}

// The fault that strikes in the middle of a stream; false when the stream ended there (the
// connection stays usable if it is still open).
bool Generation::strike_mid_stream() {
    switch (m_fault) {
    case Fault::close_mid_stream:
        m_connection.abort();
        return false;
    case Fault::malformed_line:
        return frame(m_dialect == Dialect::tgi ? "{\"token\":{\"text\":"
                                               : "{\"choices\":[{\"delta\":{\"content\":");
    case Fault::huge_line: {
        // One event of 4 MiB of content, sent in 64 KiB pieces, then the stream goes on.
        std::string piece(64 * 1024, 'x');
        bool sent = m_connection.send_chunk(m_dialect == Dialect::openai_chat
                                                ? "data: {\"choices\":[{\"index\":0,"
                                                  "\"delta\":{\"content\":\""
                                                : "{\"message\":{\"content\":\"");
        for (int i = 0; sent && i < 64; ++i) {
            sent = m_connection.send_chunk(piece);
        }
        return sent &&
               m_connection.send_chunk(m_dialect == Dialect::openai_chat ? "\"}}]}\n\n"
                                                                         : "\"},\"done\":false}\n");
    }
    case Fault::endless:
        // As fast as the client reads, until it hangs up.
        while (frame(content_json(0).dump())) {
        }
        m_connection.abort();
        return false;
    case Fault::error_in_stream:
        // As vLLM does: the error as an event of the 200 stream, then the stream's end.
        frame(error_body(m_dialect, scripted_error, "server_error"));
        if (m_dialect == Dialect::openai_chat) {
            m_connection.send_chunk("data: [DONE]\n\n");
        }
        m_connection.end_chunks();
        return false;
    default:
        return true;
    }
}

bool Generation::finish_stream() {
    bool eos = wait_for_eos();
    if (m_dialect == Dialect::openai_chat) {
        if (eos && !frame(chunk_json(json{{"content", ""}}, "stop").dump())) {
            return false;
        }
        bool wants_usage = m_request.contains("stream_options") &&
                           m_request["stream_options"].is_object() &&
                           m_request["stream_options"].value("include_usage", false);
        if (wants_usage && m_script.usage) {
            json last = chunk_json(json::object(), nullptr);
            last["choices"] = json::array();
            last["usage"] = usage_json();
            frame(last.dump());
        }
        m_connection.send_chunk("data: [DONE]\n\n");
    } else if (m_dialect != Dialect::tgi) {
        json done = {{"model", m_model},
                     {"created_at", created_at},
                     {"done", true},
                     {"done_reason", "length"}};
        if (m_dialect == Dialect::ollama_chat) {
            done["message"] = {{"role", "assistant"}, {"content", ""}};
        } else {
            done["response"] = "";
        }
        if (m_script.usage) {
            add_ollama_timings(done);
        }
        frame(done.dump());
    }
    return m_connection.end_chunks();
}

} // namespace mock_llm
