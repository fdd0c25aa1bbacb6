#include "farm/history/values_codec.hpp"

#include "farm/core/error.hpp"

#include <cmath>
#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using farm::DatabaseError;
using farm::history::decode_values;
using farm::history::encode_values;
using farm::history::ParameterList;
using farm::history::parameters_from_json;
using farm::history::parameters_json;

namespace {

// Doubles compared bit for bit: the history promises to read back exactly what it stored.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("history::encode_values and decode_values round-trip doubles exactly") {
    SUBCASE("awkward values") {
        std::vector<double> values{0.0,
                                   -0.0,
                                   1.0,
                                   -1.5,
                                   -123456.789,
                                   1e-300,
                                   1e300,
                                   -1e300,
                                   0.1 + 0.2,
                                   1.0 / 3.0,
                                   std::numeric_limits<double>::min(),
                                   std::numeric_limits<double>::denorm_min(),
                                   std::numeric_limits<double>::max(),
                                   std::numeric_limits<double>::lowest(),
                                   std::numeric_limits<double>::epsilon(),
                                   9007199254740993.0,
                                   12.149999999999999};
        std::string text = encode_values(values);
        CHECK(same_bits(decode_values(text), values));
    }
    SUBCASE("0.1 + 0.2 is not written as 0.3") {
        std::vector<double> values{0.1 + 0.2};
        std::vector<double> back = decode_values(encode_values(values));
        REQUIRE(back.size() == 1);
        CHECK(back[0] == 0.1 + 0.2);
        CHECK(back[0] != 0.3);
    }
    SUBCASE("many values") {
        std::vector<double> values;
        for (int i = 0; i < 1000; ++i) {
            values.push_back(static_cast<double>(i) * 0.001 - 0.5);
        }
        CHECK(same_bits(decode_values(encode_values(values)), values));
    }
    SUBCASE("empty array") {
        CHECK(encode_values({}) == "[]");
        CHECK(decode_values("[]").empty());
    }
}

TEST_CASE("history::encode_values writes a compact JSON array") {
    CHECK(encode_values({1.0}) == "[1]");
    CHECK(encode_values({1.5, -2.0, 0.0}) == "[1.5,-2,0]");
    CHECK(encode_values({0.1}) == "[0.1]");
}

TEST_CASE("history::encode_values writes values that were not measured as null") {
    // JSON has no NaN or infinity; the history must stay valid JSON for json_each.
    std::vector<double> values{std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(), 2.5};
    CHECK(encode_values(values) == "[null,null,null,2.5]");
    std::vector<double> back = decode_values("[null, 2.5 ,null]");
    REQUIRE(back.size() == 3);
    CHECK(std::isnan(back[0]));
    CHECK(back[1] == 2.5);
    CHECK(std::isnan(back[2]));
}

TEST_CASE("history::decode_values accepts whitespace") {
    CHECK(decode_values(" [ ] ") == std::vector<double>{});
    CHECK(decode_values("[1,2,3]") == std::vector<double>{1, 2, 3});
    CHECK(decode_values("  [ 1 , 2.5 ,\n\t-3e2 ]") == std::vector<double>{1, 2.5, -300});
    CHECK(decode_values("[\n1,\n2\n]\n") == std::vector<double>{1, 2});
    CHECK(decode_values("[1,\r\n2]\r\n") == std::vector<double>{1, 2});
    CHECK(decode_values("[1e-300, 1E300]") == std::vector<double>{1e-300, 1e300});
}

TEST_CASE("history::decode_values throws DatabaseError for malformed text") {
    const char* malformed[] = {"",        " ",     "[",      "]",       "[1,",   "[1",
                               "[1 2]",   "{}",    "[a]",    "[1,]",    "[,1]",  "[,]",
                               "1",       "[1]]x", "[1]x",   "[\"1\"]", "[nul]", "[true]",
                               "[[1]]",   "[1;2]", "[--1]",  "[nan]",   "[inf]", "[-inf]",
                               "[1] [2]", "[+1]",  "[0x10]", "[1,,2]",  "x[1]",  "[ 1 2 ]"};
    for (const char* text : malformed) {
        std::string shown = std::string("'") + text + "'";
        CAPTURE(shown);
        CHECK_THROWS_AS(decode_values(text), DatabaseError);
    }
}

TEST_CASE("history::decode_values names the damaged text in its message") {
    CHECK_THROWS_WITH_AS(decode_values("[1,x]"), doctest::Contains("[1,x]"), DatabaseError);
}

TEST_CASE(
    "history::parameters_from_json: a list and its round trip; damage and deep nesting refused") {
    ParameterList parameters = {{"threads", "4"}, {"mode", "fast"}};
    CHECK(parameters_from_json(parameters_json(parameters)) == parameters);
    CHECK_THROWS_AS(parameters_from_json(R"([["threads"]])"), farm::DatabaseError);
    // A crafted database: 100,000 nested arrays are refused before they are built.
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_AS(parameters_from_json(deep), farm::DatabaseError);
}
