#include "farm/measure/parameters.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

using namespace farm::measure;
using Values = std::vector<std::string>;

TEST_CASE("measure::parameter_scan counts integers from MIN to MAX") {
    CHECK(parameter_scan("n", "1", "4", std::nullopt).values == Values{"1", "2", "3", "4"});
    CHECK(parameter_scan("n", "-1", "1", std::nullopt).values == Values{"-1", "0", "1"});
    CHECK(parameter_scan("n", "3", "3", std::nullopt).values == Values{"3"});
    CHECK(parameter_scan("n", "0", "10", "5").values == Values{"0", "5", "10"});
    CHECK(parameter_scan("n", "0", "9", "4").values == Values{"0", "4", "8"});
}

TEST_CASE("measure::parameter_scan with a decimal step prints exact decimals") {
    CHECK(parameter_scan("t", "0", "0.3", "0.1").values == Values{"0.0", "0.1", "0.2", "0.3"});
    CHECK(parameter_scan("t", "0.05", "0.1", "0.05").values == Values{"0.05", "0.10"});
}

TEST_CASE("measure::parameter_scan refuses what it cannot count") {
    CHECK_THROWS_AS(parameter_scan("n", "1.5", "3", std::nullopt), farm::UsageError);
    CHECK_THROWS_WITH(parameter_scan("n", "a", "3", std::nullopt),
                      doctest::Contains("not an integer"));
    CHECK_THROWS_WITH(parameter_scan("n", "5", "1", std::nullopt), doctest::Contains("below"));
    CHECK_THROWS_WITH(parameter_scan("n", "0", "1", "0"), doctest::Contains("above 0"));
    CHECK_THROWS_WITH(parameter_scan("n", "0", "1000000000", std::nullopt),
                      doctest::Contains("more than"));
    CHECK_THROWS_WITH(parameter_scan("a{b", "0", "1", std::nullopt), doctest::Contains("braces"));
}

TEST_CASE("measure::parameter_list splits on commas, keeping empty values") {
    CHECK(parameter_list("m", "a,b,c").values == Values{"a", "b", "c"});
    CHECK(parameter_list("m", "x").values == Values{"x"});
    CHECK(parameter_list("m", "a,,b").values == Values{"a", "", "b"});
    CHECK_THROWS_AS(parameter_list("m", ""), farm::UsageError);
}

TEST_CASE("measure::parameter_combinations is the cartesian product, first parameter slowest") {
    std::vector<Parameter> parameters = {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}};
    std::vector<ParameterBinding> all = parameter_combinations(parameters);
    REQUIRE(all.size() == 6);
    CHECK(all[0] == ParameterBinding{{"a", "1"}, {"b", "x"}});
    CHECK(all[2] == ParameterBinding{{"a", "1"}, {"b", "z"}});
    CHECK(all[5] == ParameterBinding{{"a", "2"}, {"b", "z"}});
    CHECK(parameter_combinations({}).size() == 1);
    CHECK_THROWS_WITH(parameter_combinations({{"a", {"1"}}, {"a", {"2"}}}),
                      doctest::Contains("given twice"));
}

TEST_CASE("measure::substitute_parameters replaces {NAME} once, other braces kept") {
    ParameterBinding b = {{"n", "10"}, {"mode", "{n}"}};
    CHECK(substitute_parameters("sleep {n}", b) == "sleep 10");
    CHECK(substitute_parameters("{n}{n}-{mode}", b) == "1010-{n}");
    CHECK(substitute_parameters("awk '{print}' {x} {n", b) == "awk '{print}' {x} {n");
    CHECK(substitute_parameters("{}", b) == "{}");
    CHECK(substitute_parameters("", b).empty());
}
