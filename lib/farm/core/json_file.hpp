// Reads a JSON file a user wrote (package.json, farm.config.json) and reports bad input the
// way an editor would: "FILE:LINE:COLUMN: what is wrong". The file is read with
// read_input_file (bounded, regular files only) and its nesting is bounded (json_depth.hpp).
#pragma once

#include "farm/core/input_file.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace farm::core {

// Reads `path` with read_input_file (so `what` names its kind in messages, and its size is
// bounded) and parses it with parse_json_text.
nlohmann::json read_json_file(const std::filesystem::path& path,
                              std::string_view what = "JSON file");

// Parses `text`, read from `path`. Throws farm::UsageError "PATH:LINE:COLUMN: ..." for a syntax
// error, a number no double holds, or arrays and objects nested deeper than max_json_depth
// (refused before anything is built: see json_depth.hpp).
nlohmann::json parse_json_text(const std::filesystem::path& path, std::string_view text);

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

} // namespace farm::core
