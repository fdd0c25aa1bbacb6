// Reads a JSON file a user wrote (package.json, farm.config.json) and reports bad input the
// way an editor would: "FILE:LINE:COLUMN: what is wrong".
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace farm::core {

// Throws farm::UsageError naming the file, line and column when it cannot be read or parsed.
nlohmann::json read_json_file(const std::filesystem::path& path);

// 1-based line and column of a byte offset in text.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t byte_offset);

// The byte offset in `text` (valid JSON) of the value at `path`, written as config messages
// write it: keys joined with '.', array elements as [i] ("ai.providers[1].type"); empty for the
// top level. Lets a reader that found a wrong value point at it with position_of. nullopt when
// there is no such value.
std::optional<std::size_t> json_value_offset(std::string_view text, std::string_view path);

// Reads a whole file; throws farm::UsageError naming it when it cannot.
std::string read_text_file(const std::filesystem::path& path);

} // namespace farm::core
