#include "farm/shell/cli_model.hpp"

#include "shell/model.hpp"

#include <doctest/doctest.h>

using namespace farm::shell;

TEST_CASE("shell::group_of") {
    CHECK(group_of("perf:build") == "perf");
    CHECK(group_of("completion").empty());
}

TEST_CASE("shell::command_groups lists each group once, sorted") {
    CliModel model = test_model();
    model.commands.push_back({"ai:bench", "", "", "", {}});
    model.commands.push_back({"perf:report", "", "", "", {}});
    CHECK(command_groups(model) == std::vector<std::string>{"ai", "perf"});
}

TEST_CASE("shell::one_line collapses whitespace") {
    CHECK(one_line("  a\n  b\tc  ") == "a b c");
    CHECK(one_line("").empty());
}
