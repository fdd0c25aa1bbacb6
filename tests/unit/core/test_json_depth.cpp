#include "farm/core/json_depth.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace farm::core;

namespace {

std::string nested(std::size_t levels, const std::string& inner = "1") {
    return std::string(levels, '[') + inner + std::string(levels, ']');
}

} // namespace

TEST_CASE("core::json_too_deep_at counts brackets outside strings") {
    CHECK_FALSE(json_too_deep_at("").has_value());
    CHECK_FALSE(json_too_deep_at(nested(3), 3).has_value());
    CHECK(json_too_deep_at(nested(4), 3) == std::optional<std::size_t>(3));
    CHECK(json_too_deep_at(R"({"a": {"b": [1]}})", 2) == std::optional<std::size_t>(12));
    // Siblings do not add up: depth goes back down at each close.
    CHECK_FALSE(json_too_deep_at("[[1],[2],[3],[4]]", 2).has_value());
    // Brackets in strings, escaped quotes included, are not nesting.
    CHECK_FALSE(json_too_deep_at(R"(["[[[[", "\"[[[[", {"k": "{{{{"}])", 2).has_value());
    CHECK(json_too_deep_at(R"(["\\", [[1]]])", 2) == std::optional<std::size_t>(8));
    // Invalid JSON is answered too (the parser reports the syntax error itself).
    CHECK_FALSE(json_too_deep_at("]]]]]][[", 2).has_value());
    CHECK(json_too_deep_at("[[[", 2) == std::optional<std::size_t>(2));
}

TEST_CASE("core::parse_json refuses nesting past max_json_depth before building anything") {
    CHECK(parse_json(nested(max_json_depth)).is_array());
    std::string deep = nested(100000);
    try {
        parse_json(deep);
        FAIL("no error for 100000 levels");
    } catch (const nlohmann::json::parse_error& e) {
        CHECK(e.byte == max_json_depth + 1); // 1-based, as nlohmann counts
        CHECK(std::string(e.what()).find("nested deeper than 512 levels") != std::string::npos);
    }
    CHECK_THROWS_AS(parse_json("{"), nlohmann::json::parse_error);
}

TEST_CASE("core::parse_json_or_discarded") {
    CHECK(parse_json_or_discarded(R"({"a": 1})")["a"] == 1);
    CHECK(parse_json_or_discarded("{").is_discarded());
    CHECK(parse_json_or_discarded(nested(100000)).is_discarded());
    CHECK(parse_json_or_discarded(std::string(100000, '{')).is_discarded());
}
