#include "farm/core/json_file.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace farm::core;

namespace {

void check_position(std::string_view text, std::size_t offset, std::size_t line,
                    std::size_t column) {
    TextPosition at = position_of(text, offset);
    INFO("offset " << offset);
    CHECK(at.line == line);
    CHECK(at.column == column);
}

fs::path write(const std::string& name, const std::string& text) {
    fs::path dir = fs::current_path() / "json_file";
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
}

std::string error_of(const fs::path& file) {
    try {
        read_json_file(file);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL("no farm::UsageError for " << file);
    return {};
}

} // namespace

TEST_CASE("core::position_of") {
    SUBCASE("single line") {
        check_position("abc", 0, 1, 1);
        check_position("abc", 1, 1, 2);
        check_position("abc", 2, 1, 3);
        check_position("", 0, 1, 1);
    }
    SUBCASE("several lines") {
        const std::string text = "{\n  \"a\": 1,\n  \"b\" 2\n}\n";
        //                        0 1 234567890 1 2345678 9 0
        check_position(text, 0, 1, 1);  // {
        check_position(text, 1, 1, 2);  // the newline ends line 1
        check_position(text, 2, 2, 1);  // first space of line 2
        check_position(text, 4, 2, 3);  // "a"
        check_position(text, 12, 3, 1); // first space of line 3
        check_position(text, 18, 3, 7); // 2
        check_position(text, 20, 4, 1); // }
    }
    SUBCASE("an offset past the end stops at the end") {
        check_position("ab\ncd", 100, 2, 3);
    }
    SUBCASE("a UTF-8 character counts as one column") {
        // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes.
        const std::string text = "\"é€😀\" x";
        check_position(text, 0, 1, 1);  // "
        check_position(text, 1, 1, 2);  // é
        check_position(text, 3, 1, 3);  // €
        check_position(text, 6, 1, 4);  // 😀
        check_position(text, 10, 1, 5); // "
        check_position(text, 12, 1, 7); // x
        // The same after a newline.
        const std::string two = "{}\n  \"ü\": ?";
        check_position(two, 3, 2, 1);
        check_position(two, 5, 2, 3);  // "
        check_position(two, 6, 2, 4);  // ü
        check_position(two, 11, 2, 8); // ?
    }
}

TEST_CASE("core::read_json_file") {
    SUBCASE("a good file") {
        nlohmann::json j = read_json_file(write("good.json", "{\"a\": [1, 2]}\n"));
        CHECK(j["a"][1] == 2);
    }
    SUBCASE("a missing file names it") {
        std::string message = error_of(fs::current_path() / "json_file" / "absent.json");
        CHECK(message.find("absent.json") != std::string::npos);
    }
    SUBCASE("a syntax error points at the offending token") {
        fs::path file = write("bad.json", "{\n  \"a\": 1\n  \"b\": 2\n}\n");
        std::string message = error_of(file);
        CHECK_MESSAGE(message.find(file.string() + ":3:3:") != std::string::npos, message);
        CHECK(message.find("not valid JSON") != std::string::npos);
    }
    SUBCASE("a syntax error after UTF-8 text counts characters") {
        fs::path file = write("utf8.json", "{\"naïve\": ?}");
        std::string message = error_of(file);
        CHECK_MESSAGE(message.find(file.string() + ":1:11:") != std::string::npos, message);
    }
    SUBCASE("an empty file") {
        fs::path file = write("empty.json", "");
        std::string message = error_of(file);
        CHECK_MESSAGE(message.find(file.string() + ":1:1:") != std::string::npos, message);
    }
    SUBCASE("a truncated file points just past its last character") {
        fs::path file = write("truncated.json", "{\n  \"a\": [1,\n");
        std::string message = error_of(file);
        CHECK_MESSAGE(message.find(file.string() + ":2:11:") != std::string::npos, message);
    }
    SUBCASE("a number no double can hold points at it") {
        fs::path file = write("huge.json", "{\n  \"timeout_s\": 1e999\n}\n");
        std::string message = error_of(file);
        CHECK_MESSAGE(
            message.find(file.string() + ":2:16: a number too large for a double (1e999)") !=
                std::string::npos,
            message);
    }
    SUBCASE("nesting 100000 levels deep is a located error, not a stack overflow") {
        fs::path file = write("deep.json", "{\"a\":\n" + std::string(100000, '[') +
                                               std::string(100000, ']') + "}\n");
        std::string message = error_of(file);
        // Level 513 is the 512th '[' of line 2.
        CHECK_MESSAGE(message.find(file.string() +
                                   ":2:512: arrays and objects nested deeper than 512 levels") !=
                          std::string::npos,
                      message);
    }
    SUBCASE("a FIFO is refused at once, with the kind of file named") {
        fs::path fifo = fs::current_path() / "json_file" / "fifo.json";
        fs::remove(fifo);
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        std::string message = error_of(fifo);
        CHECK_MESSAGE(message.find("JSON file is a FIFO") != std::string::npos, message);
    }
}

TEST_CASE("core::read_text_file") {
    std::string bytes("a\0b\r\n", 5);
    CHECK(read_text_file(write("bytes.bin", bytes)) == bytes);
    CHECK_THROWS_AS(read_text_file(fs::current_path() / "json_file" / "nope"), farm::UsageError);
}

namespace {

// "LINE:COLUMN" of the value at `path` in `text`, "none" when there is none.
std::string value_position(const std::string& text, const std::string& path) {
    std::optional<std::size_t> offset = json_value_offset(text, path);
    if (!offset) {
        return "none";
    }
    TextPosition p = position_of(text, *offset);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
}

} // namespace

TEST_CASE("core::json_value_offset") {
    const std::string text = "{\n"
                             "  \"build\": {\"budgets\": [{\"path\": \"a\"}, {\"path\": \"b\"}]},\n"
                             "  \"test\": {\n"
                             "    \"suites\": [\n"
                             "      {\"name\": \"x,]}\\\"\", \"kind\": \"benchmark\"},\n"
                             "      {\"kind\": [1, {\"a\": 2}], \"name\": \"y\"}\n"
                             "    ]\n"
                             "  }\n"
                             "}\n";
    CHECK(value_position(text, "") == "1:1");
    CHECK(value_position(text, "build") == "2:12");
    CHECK(value_position(text, "build.budgets[1].path") == "2:49");
    CHECK(value_position(text, "test.suites[0].kind") == "5:34");
    CHECK(value_position(text, "test.suites[1].name") == "6:39");
    CHECK(value_position(text, "test.suites[1].kind[1].a") == "6:26");
    SUBCASE("paths that lead nowhere") {
        CHECK(value_position(text, "test.suites[2]") == "none");
        CHECK(value_position(text, "nothing") == "none");
        CHECK(value_position(text, "build.budgets.path") == "none");
        CHECK(value_position(text, "build.z") == "none");
        CHECK(value_position(text, "the top level") == "none");
    }
    SUBCASE("a repeated key: the last one, as the parser keeps it") {
        CHECK(value_position("{\"a\": 1, \"a\": 22}", "a") == "1:15");
        CHECK(value_position("{\"a\": {\"b\": 1}, \"a\": {\"c\": 2}}", "a.c") == "1:28");
    }
    SUBCASE("an empty object and the whole document") {
        CHECK(value_position("{}", "a") == "none");
        CHECK(value_position("  [1]", "") == "1:3");
    }
}
