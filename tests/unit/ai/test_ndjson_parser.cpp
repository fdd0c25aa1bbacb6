#include "farm/ai/ndjson_parser.hpp"

#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using farm::ai::NdjsonLine;
using farm::ai::NdjsonParser;

namespace {

std::vector<NdjsonLine> parse(const farm::test::Cut& cut) {
    return farm::test::parse_pieces<NdjsonParser, NdjsonLine>(cut);
}

std::vector<NdjsonLine> parse(std::string_view bytes) {
    return parse(farm::test::Cut{bytes});
}

std::string describe(const std::vector<NdjsonLine>& lines) {
    std::string text;
    for (const NdjsonLine& line : lines) {
        text += std::to_string(line.offset) + " " + line.value.dump() + " " + line.error + "\n";
    }
    return text;
}

} // namespace

TEST_CASE("ai::NdjsonParser reads one value a line, with LF or CRLF, skipping blank lines") {
    std::vector<NdjsonLine> lines = parse("{\"a\":1}\n\r\n  \n{\"b\":\"x\"}\r\n\t\n[1,2]");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].value == nlohmann::json{{"a", 1}});
    CHECK(lines[0].offset == 0);
    CHECK(lines[1].value == nlohmann::json{{"b", "x"}});
    CHECK(lines[1].offset == 13);
    CHECK(lines[2].value == nlohmann::json::array({1, 2}));
    CHECK(lines[2].offset == 26);
    for (const NdjsonLine& line : lines) {
        CHECK(line.ok());
    }
}

TEST_CASE("ai::NdjsonParser keeps a partial line until its newline comes") {
    NdjsonParser parser;
    std::vector<NdjsonLine> lines;
    parser.feed("{\"response\":\"He", lines);
    CHECK(lines.empty());
    parser.feed("llo\"}\n{\"do", lines);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].value["response"] == "Hello");
    parser.feed("ne\":true}", lines);
    CHECK(lines.size() == 1);
    parser.finish(lines);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].value["done"] == true);
    CHECK(lines[1].offset == 21);
}

TEST_CASE("ai::NdjsonParser reports a line that is not JSON with its byte offset") {
    std::string input = "{\"a\":1}\nHTTP/1.1 502 Bad Gateway\r\n{\"b\":2}\n{\"c\":\n";
    std::vector<NdjsonLine> lines = parse(input);
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].value.is_null());
    CHECK(lines[1].error.starts_with("byte 8: not JSON ("));
    CHECK(lines[1].error.ends_with("): HTTP/1.1 502 Bad Gateway"));
    CHECK(lines[2].ok());
    CHECK(lines[3].error.starts_with("byte " + std::to_string(input.find("{\"c\"")) + ":"));
}

TEST_CASE("ai::NdjsonParser reports a number no double can hold as a bad line, not a crash") {
    std::vector<NdjsonLine> lines = parse("{\"eval_count\":1e999}\n{\"a\":1}\n");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].value.is_null());
    CHECK(lines[0].error == "byte 0: not JSON (number overflow parsing '1e999'): "
                            "{\"eval_count\":1e999}");
    CHECK(lines[1].ok());
}

TEST_CASE("ai::NdjsonParser gives the same lines for every cut of its input") {
    std::string input =
        "{\"t\":\"caf\xC3\xA9\"}\r\n\n{\"t\":\"\xF0\x9F\x8C\xB1\"}\nnope\n{\"e\":1}";
    std::string expected = describe(parse(input));
    CHECK(parse(input).size() == 4);
    for (const farm::test::Cut& cut : farm::test::all_cuts_in_two_and_three(input)) {
        REQUIRE(describe(parse(cut)) == expected);
    }
    for (const farm::test::Cut& cut : farm::test::usual_cuts(input)) {
        REQUIRE(describe(parse(cut)) == expected);
    }
}
