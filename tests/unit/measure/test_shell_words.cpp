#include "farm/measure/shell_words.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

using farm::measure::split_shell_words;
using Words = std::vector<std::string>;

TEST_CASE("measure::split_shell_words splits on blanks as sh does") {
    CHECK(split_shell_words("sleep 0.1") == Words{"sleep", "0.1"});
    CHECK(split_shell_words("  a \t b\nc  ") == Words{"a", "b", "c"});
    CHECK(split_shell_words("") == Words{});
    CHECK(split_shell_words("   ") == Words{});
}

TEST_CASE("measure::split_shell_words keeps quoted text together, literally") {
    CHECK(split_shell_words("grep -r 'a b' src") == Words{"grep", "-r", "a b", "src"});
    CHECK(split_shell_words("echo \"x  y\"") == Words{"echo", "x  y"});
    CHECK(split_shell_words("echo 'it''s'") == Words{"echo", "its"});
    CHECK(split_shell_words("echo a'b c'd") == Words{"echo", "ab cd"});
    CHECK(split_shell_words("echo '$HOME \\n'") == Words{"echo", "$HOME \\n"});
    // No expansion of any kind: not a shell.
    CHECK(split_shell_words("echo $HOME *.txt ~ | wc") ==
          Words{"echo", "$HOME", "*.txt", "~", "|", "wc"});
}

TEST_CASE("measure::split_shell_words: empty quotes are an empty word") {
    CHECK(split_shell_words("printf '' x") == Words{"printf", "", "x"});
    CHECK(split_shell_words("a \"\"") == Words{"a", ""});
}

TEST_CASE("measure::split_shell_words: backslashes as in POSIX") {
    CHECK(split_shell_words("a\\ b c") == Words{"a b", "c"});
    CHECK(split_shell_words("a \\'b") == Words{"a", "'b"});
    // In double quotes only \ $ ` " and newline are escaped; other backslashes stay.
    CHECK(split_shell_words("\"a\\\"b\\$c\\\\d\\ne\"") == Words{"a\"b$c\\d\\ne"});
    CHECK(split_shell_words("ab\\\ncd") == Words{"abcd"});
}

TEST_CASE("measure::split_shell_words refuses an unterminated quote, naming the command") {
    CHECK_THROWS_AS(split_shell_words("echo 'oops"), farm::UsageError);
    CHECK_THROWS_WITH(split_shell_words("echo 'oops"),
                      doctest::Contains("`echo 'oops` has an unterminated ' quote"));
    CHECK_THROWS_WITH(split_shell_words("echo \"oops"), doctest::Contains("unterminated \" quote"));
    CHECK_THROWS_WITH(split_shell_words("echo oops\\"), doctest::Contains("backslash"));
}
