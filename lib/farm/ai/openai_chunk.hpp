// What one OpenAI-compatible answer object carries for the response decoder (usage, finish
// reason, reasoning, answer text, tool calls), read two ways: from a parsed nlohmann::json (the
// reference, any input), and straight from the text of a stream event without building a JSON
// document (the fast path: a benchmark decodes tens of thousands of such events a second, and
// building a DOM for each was most of farm's own CPU per request).
//
// Guarantees of the fast path (read_openai_chunk_fast):
// - It answers only when it is sure: the text is one JSON object, valid as nlohmann reads it
//   (RFC 8259 grammar, well-formed UTF-8 in strings, escapes and surrogate pairs, nothing but
//   whitespace after it), and what it read equals what openai_chunk_of(nlohmann::json::parse(
//   text)) gives. Everything else -- invalid or unusual text, an "error" member, a non-empty
//   tool_calls array, a number it would have to convert (a fraction, an exponent, more than 18
//   digits where a count is read; an exponent or over 100 characters anywhere), a key with an
//   escape, a key that repeats where it matters, nesting deeper than 64 levels -- returns false,
//   and the caller parses the text with nlohmann as before: the fast path changes speed, never
//   results. tests/fuzz/fuzz_openai_chunk checks that equality on arbitrary input.
// - It never throws on input and allocates only when `out`'s strings must grow.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace farm::ai {

struct OpenAiChunk {
    std::optional<std::int64_t> prompt_tokens;     // usage.prompt_tokens
    std::optional<std::int64_t> completion_tokens; // usage.completion_tokens
    // usage.completion_tokens_details.reasoning_tokens
    std::optional<std::int64_t> reasoning_tokens;
    std::string finish_reason; // choices[0].finish_reason; empty when missing or not a string
    // choices[0].<message>.reasoning then .reasoning_content (one server sends one of them).
    std::string reasoning;
    // choices[0].<message>.content then each tool call's name and arguments; without a
    // <message> object, choices[0].text (completions).
    std::string answer;
    std::size_t tool_calls = 0; // tool-call pieces in answer

    void clear();
    bool operator==(const OpenAiChunk&) const = default;
};

// From a parsed answer object. `message_key`: "delta" in a stream, "message" in a whole answer.
OpenAiChunk openai_chunk_of(const nlohmann::json& object, const char* message_key);

// From the text of one answer object; false: not sure, parse `text` with nlohmann instead (out
// is then unspecified).
bool read_openai_chunk_fast(std::string_view text, const char* message_key, OpenAiChunk& out);

} // namespace farm::ai
