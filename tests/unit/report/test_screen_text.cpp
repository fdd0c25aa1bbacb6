#include "farm/report/screen_text.hpp"

#include <doctest/doctest.h>

#include <string>

using farm::report::visible_width;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos;
         at = text.find(part, at + part.size())) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("report::visible_width counts characters, not bytes or escapes") {
    CHECK(visible_width("abc") == 3);
    CHECK(visible_width("█▏·°C") == 5);
    CHECK(visible_width("\033[1;31mred\033[0m") == 3);
    CHECK(visible_width("") == 0);
}

TEST_CASE("report::fit and pad") {
    CHECK(farm::report::fit("abcdef", 6) == "abcdef");
    CHECK(farm::report::fit("abcdef", 4) == "abc…");
    CHECK(farm::report::fit("█████", 3) == "██…");
    CHECK(farm::report::fit("abc", 0).empty());
    std::string colored = farm::report::fit("\033[31mabcdef\033[0m", 4);
    CHECK(visible_width(colored) == 4);
    CHECK(colored.ends_with("…\033[0m"));
    CHECK(farm::report::pad_right("ab", 4) == "ab  ");
    CHECK(farm::report::pad_left("ab", 4) == "  ab");
    CHECK(farm::report::pad_left("abcdef", 4) == "abc…");
}

TEST_CASE("report::meter is as wide as asked and filled in proportion") {
    for (double pct : {0.0, 12.5, 33.0, 50.0, 99.9, 100.0}) {
        for (std::size_t cells : {6u, 10u, 32u, 100u}) {
            std::string bar = farm::report::meter(pct, cells, false);
            CAPTURE(pct);
            CAPTURE(cells);
            CHECK(visible_width(bar) == cells);
            CHECK(count(bar, "█") == std::size_t(pct / 100 * double(cells)));
            CHECK(visible_width(farm::report::meter(pct, cells, true)) == cells);
        }
    }
    CHECK(farm::report::meter(50, 10, false) == "█████·····");
    CHECK(farm::report::meter(25, 10, false) == "██▌·······");
    CHECK(farm::report::meter(150, 4, false) == "████");
    CHECK(farm::report::meter(-5, 4, false) == "····");
    CHECK(farm::report::meter(90, 10, true).starts_with("\033[31m")); // red from 85%
    CHECK(farm::report::meter(70, 10, true).starts_with("\033[33m"));
    CHECK(farm::report::meter(10, 10, true).starts_with("\033[32m"));
}

TEST_CASE("report::vertical_bar") {
    CHECK(farm::report::vertical_bar(0) == " ");
    CHECK(farm::report::vertical_bar(1) == "▁");
    CHECK(farm::report::vertical_bar(50) == "▄");
    CHECK(farm::report::vertical_bar(100) == "█");
}

TEST_CASE("report::column_chart: one column a value, as tall as the value") {
    std::vector<std::string> chart = farm::report::column_chart({0, 25, 50, 100}, 2);
    REQUIRE(chart.size() == 2);
    // Two rows are 16 eighths: 25% fills 4 of the lower row, 50% the lower row, 100% both.
    CHECK(chart[0] == "   █");
    CHECK(chart[1] == " ▄██");
    for (const std::string& line : farm::report::column_chart({12, 99, 3, 60, 45}, 7)) {
        CHECK(visible_width(line) == 5);
    }
}
