// farm_mock_llm's generation answers (see mock_llm_server.cpp): one request of one of the
// providers' dialects answered streamed or whole, on the script's timing, with its fault.
// mock_llm_generation.cpp sends (timing, framing, faults), mock_llm_payloads.cpp builds the
// JSON of each dialect.
#pragma once

#include "mock_llm_script.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mock_llm {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

enum class Dialect { openai_chat, ollama_chat, ollama_generate, tgi };

inline const char* const created_at = "2024-01-01T00:00:00Z";
inline const char* const scripted_error = "scripted error in stream";

std::int64_t nanoseconds(Clock::duration duration);
// Prompt tokens: the words of every string in the request's prompt fields, at least 1.
int prompt_tokens(const json& request);
// The provider's error JSON.
std::string error_body(Dialect dialect, const std::string& message, const std::string& type);
bool send_json(Connection& connection, int status, const std::string& body,
               std::string_view extra_headers = {});

// One generation request being answered.
class Generation {
  public:
    Generation(Connection& connection, const Script& script, Dialect dialect, json request,
               Fault fault, Clock::time_point start)
        : m_connection(connection), m_script(script), m_dialect(dialect),
          m_request(std::move(request)), m_fault(fault), m_start(start),
          m_model(m_request.value("model", std::string("mock-model"))),
          m_prompt_tokens(prompt_tokens(m_request)) {
        plan_offsets();
    }

    // false: the connection must be closed.
    bool stream();

    bool whole();

  private:
    int total_chunks() const { return m_script.reasoning_chunks + m_script.chunks; }

    // Each content chunk's time after the request was read: ttft, then gaps of itl_ms plus a
    // uniform draw from [0, itl_jitter_ms], seeded per request.
    void plan_offsets();

    // The tokens the server says it generated: each chunk's, and the EOS token when sent.
    int output_tokens() const {
        return total_chunks() * m_script.tokens_per_chunk + (m_script.eos_ms >= 0 ? 1 : 0);
    }

    // With --eos-ms: waits until the EOS is due; true when there is one.
    bool wait_for_eos() const;

    // Stream chunk `index` thinks (the first reasoning_chunks do) or answers.
    bool thinking(int index) const { return index < m_script.reasoning_chunks; }

    // An answer piece as a tool-call delta, in the shape of OpenAI's streamed tool calls (the
    // first delta names the function, the next ones carry pieces of its JSON arguments) or of
    // Ollama's (whole calls with the arguments as an object).
    json tool_call_json(int index) const;

    Clock::time_point content_time(int index) const;

    bool frame(const std::string& payload);

    json usage_json() const;

    json chunk_json(json delta, json finish_reason) const;

    void add_ollama_timings(json& line) const;

    json content_json(int index) const;
    // content_json(index) as text; the plain content chunks of an OpenAI stream, all alike, are
    // rendered once.
    const std::string& content_payload(int index);

    // The fault that strikes in the middle of a stream; false when the stream ended there (the
    // connection stays usable if it is still open).
    bool strike_mid_stream();

    bool finish_stream();

    // The whole answer's message: content, and the thinking under the dialect's name.
    json whole_message() const;

    json whole_json() const;

    Connection& m_connection;
    const Script& m_script;
    Dialect m_dialect;
    json m_request;
    Fault m_fault;
    Clock::time_point m_start;
    std::string m_model;
    int m_prompt_tokens;
    std::string m_text;
    std::string m_payload;       // the last content chunk rendered
    bool m_plain_cached = false; // m_payload is the plain OpenAI content chunk
    std::string m_thinking;      // non-streamed answers: the reasoning text
    Clock::time_point m_first;
    Clock::time_point m_last;
    std::vector<Clock::duration> m_offsets; // of each content chunk after the request was read
};

} // namespace mock_llm
