#include "farm/core/json_locate.hpp"

#include "farm/core/json_file.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace farm::core;

namespace {

// "LINE:COLUMN" of the value at `dotted` in `text`, "none" when not found.
std::string where(const std::string& text, const std::string& dotted) {
    std::optional<std::size_t> offset = locate_json_value(text, parse_json_path(dotted));
    if (!offset) {
        return "none";
    }
    TextPosition p = position_of(text, *offset);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
}

} // namespace

TEST_CASE("core::parse_json_path") {
    std::vector<JsonStep> path = parse_json_path("test.suites[12].kind");
    REQUIRE(path.size() == 4);
    CHECK(std::get<std::string>(path[0]) == "test");
    CHECK(std::get<std::string>(path[1]) == "suites");
    CHECK(std::get<std::size_t>(path[2]) == 12);
    CHECK(std::get<std::string>(path[3]) == "kind");
    CHECK(parse_json_path("").empty());
    CHECK(parse_json_path("a[0][1]").size() == 3);
}

TEST_CASE("core::locate_json_value") {
    const std::string text = "{\n"
                             "  \"build\": {\"budgets\": [{\"path\": \"a\"}, {\"path\": \"b\"}]},\n"
                             "  \"test\": {\n"
                             "    \"suites\": [\n"
                             "      {\"name\": \"x,]}\\\"\", \"kind\": \"benchmark\"},\n"
                             "      {\"kind\": [1, {\"a\": 2}], \"name\": \"y\"}\n"
                             "    ]\n"
                             "  }\n"
                             "}\n";
    CHECK(where(text, "build") == "2:12");
    CHECK(where(text, "build.budgets[1].path") == "2:49");
    CHECK(where(text, "test.suites[0].kind") == "5:34");
    CHECK(where(text, "test.suites[1].name") == "6:39");
    CHECK(where(text, "test.suites[1].kind[1].a") == "6:26");
    SUBCASE("paths that lead nowhere") {
        CHECK(where(text, "test.suites[2]") == "none");
        CHECK(where(text, "nothing") == "none");
        CHECK(where(text, "build.budgets.path") == "none");
        CHECK(where(text, "the top level") == "none");
    }
    SUBCASE("a repeated key: the last one, as the parser keeps it") {
        CHECK(where("{\"a\": 1, \"a\": 22}", "a") == "1:15");
    }
    SUBCASE("the whole document") {
        CHECK(where("  [1]", "") == "1:3");
    }
}
