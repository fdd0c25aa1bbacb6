// Turns the body of an AI provider's answer, fed in pieces as it arrives, into content chunks with
// arrival times and the final facts of the request (token counts, finish reason, server timings),
// and decides whether the answer is a success.
//
// Streamed formats (see provider_request.hpp for which operation speaks which):
//   openai   SSE `data: {json}` events ending with `data: [DONE]`; the answer in
//            choices[0].delta.content (chat) or choices[0].text (completions), tool calls in
//            delta.tool_calls[].function {name, arguments} (answer too), the thinking of
//            reasoning models in delta.reasoning (current vLLM) or delta.reasoning_content
//            (older vLLM, DeepSeek); `choices` may be null, missing or empty; `usage
//            {prompt_tokens, completion_tokens, completion_tokens_details.reasoning_tokens}` in
//            whichever event has it (with include_usage: a last event with empty choices).
//   ollama   NDJSON lines with message.content (chat) or response (generate), the thinking in
//            message.thinking / thinking, tool calls in message.tool_calls; the last line has
//            done:true, the token counts and the server's timings in ns.
//   tgi      SSE events {index, token{id, text, logprob, special}, generated_text, details}; the
//            last event has generated_text and details {finish_reason, generated_tokens,
//            input_length}. Special tokens (`</s>`) are not content.
// Non-streamed answers are one JSON object, decoded when the body is complete.
//
// Guarantees:
// - The same bytes give the same result however they are cut; a chunk's time is the time of the
//   piece that completed its event or line (chunks of one piece share it).
// - A content chunk is an event or line with non-empty content of any kind (answer, tool call or
//   reasoning); events without content (role announcements, usage, special tokens, keep-alive
//   comments, an empty last delta) are never chunks. A chunk is an answer chunk when it carries
//   answer text or a tool call, else a reasoning chunk. An answer made only of reasoning is a
//   success (a model may spend every token thinking).
// - Failures (the first one wins, later bytes are ignored):
//     stream_error  an error object from the server inside a 200 answer (its message is kept),
//                   data that is not JSON (with the byte offset), or an answer without content;
//     incomplete    the stream ended before its end marker ([DONE], done:true, TGI's details);
//     response_too_large  a line (an SSE or NDJSON line, streams only) longer than
//                   limits.max_line_bytes, or a body longer than limits.max_response_bytes: the
//                   decoder keeps nothing more of it, so memory per request stays bounded
//                   however long or endless the answer (the caller stops the transfer).
//   Bytes after the end marker are ignored. Nothing here throws on input.
// - end_marker_ms is set exactly when a stream is complete: the arrival time of the piece that
//   completed its end marker.
#pragma once

#include "farm/ai/ndjson_parser.hpp"
#include "farm/ai/openai_chunk.hpp"
#include "farm/ai/provider_request.hpp"
#include "farm/ai/server_json.hpp"
#include "farm/ai/sse_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

// Why a request failed (the contract's error classes). The decoder only ever sets stream_error
// and incomplete; the transport sets the others.
enum class ErrorClass {
    none,
    connect,
    http_status,
    timeout,
    stream_error,
    incomplete,
    response_too_large
};
std::string_view to_string(ErrorClass error);

struct ContentChunk {
    double at_ms = 0;       // arrival time of the piece that completed it (the caller's clock)
    std::size_t chars = 0;  // its text in UTF-8 code points (all kinds)
    std::size_t offset = 0; // byte offset of its event or line in the body
    bool answer = true;     // carries answer text or a tool call (false: reasoning only)
};

// What the server said about the request as a whole. Absent means the server did not say.
struct FinalFacts {
    std::optional<std::int64_t>
        input_tokens; // usage.prompt_tokens, prompt_eval_count, input_length
    std::optional<std::int64_t>
        output_tokens; // usage.completion_tokens, eval_count, generated_tokens
    std::optional<std::int64_t>
        reasoning_tokens;      // usage.completion_tokens_details.reasoning_tokens
    std::string finish_reason; // "stop", "length", "eos_token"...
    // Ollama's own timings, in nanoseconds as it reports them.
    std::optional<std::int64_t> total_duration_ns;
    std::optional<std::int64_t> load_duration_ns;
    std::optional<std::int64_t> prompt_eval_duration_ns;
    std::optional<std::int64_t> eval_duration_ns;
    std::size_t embeddings = 0;           // vectors returned by an embed request
    std::size_t embedding_dimensions = 0; // length of the first one
};

struct DecodedResponse {
    std::vector<ContentChunk> chunks; // streamed answers only; a non-streamed one has none
    std::string text;                 // all content (reasoning, answer, tool calls), concatenated
    std::size_t text_chars = 0;       // UTF-8 code points of text
    std::size_t reasoning_chars = 0;  // the part of text_chars that was reasoning
    std::size_t tool_calls = 0;       // tool-call pieces seen (deltas or whole calls)
    FinalFacts facts;
    std::optional<double> first_byte_ms; // the first non-empty piece
    std::optional<double> last_byte_ms;  // the last non-empty piece
    // The piece that completed the stream's end marker ([DONE], Ollama's done:true line, TGI's
    // last event): the answer's end, after the EOS token that usage counts (streams only).
    std::optional<double> end_marker_ms;
    std::size_t bytes = 0;
    bool complete = false; // the end marker was seen (non-streamed: the body was a JSON object)
    ErrorClass error = ErrorClass::none;
    std::string error_message;

    bool ok() const { return error == ErrorClass::none; }
};

// The most of one answer a decoder takes in (see response_too_large above).
struct DecoderLimits {
    std::size_t max_line_bytes = std::size_t(1) << 20;      // 1 MiB
    std::size_t max_response_bytes = std::size_t(64) << 20; // 64 MiB: --max-response-bytes
};

class ResponseDecoder {
  public:
    ResponseDecoder(WireFormat format, bool streamed, DecoderLimits limits = {});

    // A piece of the body as received, with its arrival time in ms on the caller's clock.
    void feed(std::string_view bytes, double at_ms);
    // The body is complete (the transfer ended normally). Decides success or failure.
    void finish(double at_ms);

    const DecodedResponse& result() const { return m_result; }
    // The result moved out (no copy of its chunks and texts); the decoder is done with after it.
    DecodedResponse take_result() { return std::move(m_result); }
    WireFormat format() const { return m_format; }
    bool streamed() const { return m_streamed; }

  private:
    void on_event(const SseEvent& event, double at_ms);
    void on_line(const NdjsonLine& line, double at_ms);
    // One JSON object of the answer, from a stream or the whole body.
    void on_object(const nlohmann::json& object, std::size_t offset, double at_ms);
    void on_openai(const nlohmann::json& object, std::size_t offset, double at_ms);
    // What an OpenAI-compatible object carried, from either reader (openai_chunk.hpp).
    void apply_openai(const OpenAiChunk& chunk, std::size_t offset, double at_ms);
    void on_ollama(const nlohmann::json& object, std::size_t offset, double at_ms);
    void on_tgi(const nlohmann::json& object, std::size_t offset, double at_ms);
    // One event's or line's content: its reasoning and its answer (text and tool calls).
    void add_content(std::string_view reasoning, std::string_view answer, std::size_t offset,
                     double at_ms);
    void add_content(std::string_view answer, std::size_t offset, double at_ms) {
        add_content({}, answer, offset, at_ms);
    }
    // name + arguments of each tool call in `calls` (OpenAI and Ollama shapes), appended to
    // `answer`.
    void add_tool_calls(const nlohmann::json* calls, std::string& answer);
    void fail(ErrorClass error, std::string message);
    // The stream's end marker arrived at `at_ms`: the answer is complete.
    void mark_end(double at_ms);
    bool stopped() const { return !m_result.ok() || m_result.complete; }
    // Fails the answer when `bytes` makes it or one of its lines too long (limits).
    void check_limits(std::string_view bytes);
    void finish_body(double at_ms);
    std::string missing_end_message() const;

    WireFormat m_format;
    bool m_streamed;
    DecoderLimits m_limits;
    std::size_t m_line_bytes = 0; // of the line not ended yet (streams)
    DecodedResponse m_result;
    SseParser m_sse;
    NdjsonParser m_ndjson;
    std::vector<NdjsonLine> m_lines;
    OpenAiChunk m_chunk;        // the fast path's reading of the last event (its strings reused)
    std::string m_body;         // whole body (non-streamed) or its start (streamed, diagnosis)
    std::size_t m_messages = 0; // events or lines seen
};

} // namespace farm::ai
