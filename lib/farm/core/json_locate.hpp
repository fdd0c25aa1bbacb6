// Where a value sits in the text of a JSON document, so that a check made on the parsed value
// (an unknown job kind, a value out of range) can point at FILE:LINE:COLUMN like a syntax error
// does. nlohmann::json keeps no positions, so the text is walked again along the path.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace farm::core {

// One step into a document: an object key or an array index.
using JsonStep = std::variant<std::string, std::size_t>;

// Byte offset of the first character of the value at `path` ({"test", "suites", 2, "kind"}) in
// `text`, which must be valid JSON (one that nlohmann parsed). Empty when the path leads nowhere.
// A key that appears twice in one object is found at its last occurrence, the one nlohmann keeps.
std::optional<std::size_t> locate_json_value(std::string_view text,
                                             const std::vector<JsonStep>& path);

// "test.suites[2].kind" -> {"test", "suites", 2, "kind"}: the paths config messages print.
std::vector<JsonStep> parse_json_path(const std::string& dotted);

} // namespace farm::core
