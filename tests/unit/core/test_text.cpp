#include "farm/core/text.hpp"

#include <doctest/doctest.h>

using namespace farm::core;

TEST_CASE("core::edit_distance") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("perf:biuld", "perf:build") == 1); // a swap of neighbours
    CHECK(edit_distance("ca", "abc") == 3);                // no edit of a swapped pair
    CHECK(edit_distance("turob", "turbo") == 1);
    CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("core::closest_match suggests only plausible typos") {
    std::vector<std::string> names = {"perf:build", "perf:report"};
    CHECK(closest_match("perf:biuld", names) == std::optional<std::string>("perf:build"));
    CHECK(closest_match("perf:reprot", names) == std::optional<std::string>("perf:report"));
    CHECK_FALSE(closest_match("deploy", names).has_value());
}

TEST_CASE("core::join_command_line quotes what sh would split") {
    CHECK(join_command_line({"pnpm", "run", "build"}) == "pnpm run build");
    CHECK(join_command_line({"sh", "-c", "echo hi"}) == "sh -c 'echo hi'");
    CHECK(join_command_line({"echo", "it's"}) == "echo 'it'\\''s'");
    CHECK(join_command_line({"printf", ""}) == "printf ''");
    CHECK(join_command_line({"node", "--max-old-space-size=4096", "a/b.js"}) ==
          "node --max-old-space-size=4096 a/b.js");
}

TEST_CASE("core::utc_now_iso8601 has milliseconds and a Z") {
    std::string now = utc_now_iso8601();
    CHECK(now.size() == 24);
    CHECK(now[10] == 'T');
    CHECK(now[19] == '.');
    CHECK(now.back() == 'Z');
}

TEST_CASE("finite_number reads the whole text, finite numbers only") {
    CHECK(finite_number("2.5") == 2.5);
    CHECK(finite_number("1e3") == 1000);
    CHECK_FALSE(finite_number(""));
    CHECK_FALSE(finite_number("5s"));
    CHECK_FALSE(finite_number(" 5"));
    CHECK_FALSE(finite_number("nan"));
    CHECK_FALSE(finite_number("inf"));
    CHECK_FALSE(finite_number("1e400"));
}

TEST_CASE("leading_finite_number leaves what follows") {
    std::string_view rest;
    CHECK(leading_finite_number("250ms", rest) == 250);
    CHECK(rest == "ms");
    CHECK_FALSE(leading_finite_number("ms", rest));
    CHECK(number_text(0.5) == "0.5");
    CHECK(number_text(2592000) == "2592000");
}

TEST_CASE("core::find_line_break finds the first CR or LF from a position") {
    CHECK(find_line_break("abc") == 3);
    CHECK(find_line_break("") == 0);
    CHECK(find_line_break("ab\ncd") == 2);
    CHECK(find_line_break("ab\rcd\n") == 2); // a CR before the LF
    CHECK(find_line_break("ab\ncd\r") == 2); // a CR after the LF
    CHECK(find_line_break("a\nb\nc", 2) == 3);
    CHECK(find_line_break("a\r\nb", 2) == 2);
    CHECK(find_line_break("ab", 5) == 2);
    std::string long_line(1000, 'x');
    CHECK(find_line_break(long_line + "\r" + long_line + "\n") == 1000);
    CHECK(find_line_break(long_line + "\n" + long_line + "\r") == 1000);
}

TEST_CASE("core::find_last_line_break finds the last CR or LF") {
    constexpr auto none = std::string_view::npos;
    CHECK(find_last_line_break("") == none);
    CHECK(find_last_line_break("abc") == none);
    CHECK(find_last_line_break("ab\ncd") == 2);
    CHECK(find_last_line_break("ab\rcd") == 2);
    CHECK(find_last_line_break("a\r\nb") == 2);  // the LF of a CRLF
    CHECK(find_last_line_break("a\n\rb") == 2);  // a CR after the last LF
    CHECK(find_last_line_break("a\rb\nc") == 3); // an LF after the last CR
    CHECK(find_last_line_break("\n") == 0);
    CHECK(find_last_line_break("abc\r") == 3);
    std::string long_line(1000, 'x');
    CHECK(find_last_line_break(long_line + "\n" + long_line) == 1000);
    CHECK(find_last_line_break("\r" + long_line) == 0);
}

TEST_CASE("core::excerpt makes one printable line of outside text") {
    CHECK(farm::core::excerpt("short") == "short");
    CHECK(farm::core::excerpt("a\nb\tc\x7F") == "a?b?c?");
    CHECK(farm::core::excerpt("caf\xC3\xA9", 80) == "caf\xC3\xA9");
    CHECK(farm::core::excerpt("caf\xC3", 80) == "caf?");    // cut sequence
    CHECK(farm::core::excerpt("\xFF\xFEok", 80) == "??ok"); // not UTF-8
    CHECK(farm::core::excerpt("abcdefgh", 4) == "abcd...");
    CHECK(farm::core::excerpt("\xF0\x9F\x8C\xB1x", 1) == "\xF0\x9F\x8C\xB1...");
}

TEST_CASE("core::without_trailing_cr") {
    CHECK(farm::core::without_trailing_cr("HTTP/1.1 200 OK\r") == "HTTP/1.1 200 OK");
    CHECK(farm::core::without_trailing_cr("a\r\r") == "a\r"); // one CR, that of the CR LF
    CHECK(farm::core::without_trailing_cr("plain") == "plain");
    CHECK(farm::core::without_trailing_cr("").empty());
}

TEST_CASE("core::trim_blanks") {
    CHECK(farm::core::trim_blanks(" \t keep-alive \r\n") == "keep-alive");
    CHECK(farm::core::trim_blanks("a b") == "a b");
    CHECK(farm::core::trim_blanks(" \t\r\n").empty());
    CHECK(farm::core::trim_blanks("").empty());
}
