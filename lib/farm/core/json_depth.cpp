#include "farm/core/json_depth.hpp"

#include <string>

namespace farm::core {

std::optional<std::size_t> json_too_deep_at(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i; // the escaped character, a quote included, does not end the string
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return i;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

std::string json_too_deep_problem() {
    return "arrays and objects nested deeper than " + std::to_string(max_json_depth) + " levels";
}

nlohmann::json parse_json(std::string_view text) {
    if (std::optional<std::size_t> at = json_too_deep_at(text)) {
        throw nlohmann::json::parse_error::create(101, *at + 1, json_too_deep_problem(), nullptr);
    }
    return nlohmann::json::parse(text);
}

nlohmann::json parse_json_or_discarded(std::string_view text) {
    if (json_too_deep_at(text)) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return nlohmann::json::parse(text, nullptr, false);
}

} // namespace farm::core
