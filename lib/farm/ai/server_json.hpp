// Reading the JSON that AI servers send: fields that may be missing, null or of another type,
// counts that may not fit an int64, and error objects in their many shapes. Shared by the
// response decoder and the callers that explain a non-2xx answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace farm::ai {

// The member `key` of `object`, nullptr when `object` is no object or has no such member.
const nlohmann::json* member(const nlohmann::json& object, const char* key);
// The member's text; empty when missing, null or not a string.
std::string_view string_member(const nlohmann::json& object, const char* key);
// The member as a whole number; nullopt when missing, not a number or outside int64's range (a
// damaged answer must not turn into nonsense, or undefined behaviour, in the metrics).
std::optional<std::int64_t> integer_member(const nlohmann::json& object, const char* key);

// Appends the name and arguments of each tool call in `calls` (OpenAI's and Ollama's shapes:
// [{"function": {"name", "arguments"}}], the arguments a string or an object) to `answer`;
// returns how many calls there were. Nothing for a null `calls` or one that is no array.
std::size_t append_tool_calls(const nlohmann::json* calls, std::string& answer);

// The error an answer object carries ("message (type, code)"), empty when none:
// {"error": "..."}, {"error": {"message", "type", "code"}}, TGI's error_type beside it.
std::string object_error(const nlohmann::json& object);

// The server's own words from an error body (a non-2xx answer or an error inside a stream):
// `{"error": "..."}`, `{"error": {"message", "type", "code"}}`, `{"detail": ...}`,
// `{"message": ...}`, else the body's start. One line, at most about 300 bytes.
std::string error_message_from_body(std::string_view body);

// What nlohmann found wrong, without its "[json.exception...] parse error at line 1, column 5: "
// prefix. Catch nlohmann::json::exception, not only parse_error: a number no double can hold
// ("1e999") is an out_of_range, even from parse().
std::string json_parse_problem(const nlohmann::json::exception& error);

// Text without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view text);

// UTF-8 code points in text (bytes that do not continue a sequence).
std::size_t utf8_length(std::string_view text);

} // namespace farm::ai
