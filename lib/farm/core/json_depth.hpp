// The one guard between farm and JSON nested too deep: every JSON text farm parses, from a file
// or from a server, goes through parse_json or parse_json_or_discarded below.
//
// Why: values nested 100,000 levels deep are cheap to send (200 kB of brackets) and are built,
// copied, compared and printed by recursion in places, so they can overflow the stack. Text that
// nests arrays and objects deeper than core::max_json_depth is refused before anything is built,
// with the byte offset of the bracket that went one level too far.
#pragma once

#include "farm/core/limits.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace farm::core {

// The 0-based byte offset of the '[' or '{' that opens level max_depth + 1 of `text`, counting
// only brackets outside strings (escapes respected); nullopt when the text stays within. Linear,
// allocates nothing, and answers for invalid JSON too.
std::optional<std::size_t> json_too_deep_at(std::string_view text,
                                            std::size_t max_depth = max_json_depth);

// nlohmann::json::parse(text) that also refuses nesting past max_json_depth: throws
// nlohmann::json::parse_error (id 101, byte = the offending bracket's 1-based offset, as
// nlohmann counts) so that callers report it like any other syntax error.
nlohmann::json parse_json(std::string_view text);

// The same, never throwing: a discarded value for invalid or too deeply nested text (as
// nlohmann::json::parse(text, nullptr, false)).
nlohmann::json parse_json_or_discarded(std::string_view text);

// "nested deeper than 512 levels": the problem, for messages that give their own position.
std::string json_too_deep_problem();

} // namespace farm::core
