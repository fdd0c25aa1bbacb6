// core::strip_ansi against the regular expression it replaced: the same text on many random
// texts made of escape-sequence pieces, and one pass over the long sequences that overflowed
// std::regex's stack.
#include "farm/core/ansi_text.hpp"

#include "support/random_text.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

using farm::core::strip_ansi;

namespace {

// What farm stripped with before (correct on short texts, recursive on long ones).
std::string reference_strip(const std::string& text) {
    static const std::regex ansi("\x1b(?:\\[[0-?]*[ -/]*[@-~]|[@-Z\\\\-_])");
    return std::regex_replace(text, ansi, "");
}

const std::vector<std::string> pieces = {"\x1b",
                                         "\x1b[",
                                         "[",
                                         "0",
                                         "1",
                                         ";",
                                         "?",
                                         "m",
                                         "K",
                                         "@",
                                         "~",
                                         " ",
                                         "!",
                                         "/",
                                         "Z",
                                         "\\",
                                         "_",
                                         "]",
                                         "^",
                                         "a",
                                         "\x7f",
                                         "\x80",
                                         "\xe2\x80\x89",
                                         "\n",
                                         "\x1b[32m",
                                         "\x1b[39m",
                                         "\x1b]",
                                         "\x1b["};

} // namespace

TEST_CASE("core::strip_ansi removes colours and cursor moves, keeps the rest") {
    CHECK(strip_ansi("\x1b[32m\x1b[1mready\x1b[22m\x1b[39m in \x1b[2K12 ms") == "ready in 12 ms");
    CHECK(strip_ansi("\x1b[41m\x1b[30m\xe2\x80\x89"
                     "ELIFECYCLE\x1b[39m") == "\xe2\x80\x89"
                                              "ELIFECYCLE");
    CHECK(strip_ansi("a\x1b"
                     "7b\x1b"
                     "Mc") == "a\x1b"
                              "7bc");                // ESC 7 is no sequence, ESC M is
    CHECK(strip_ansi("cut\x1b[12") == "cut\x1b[12"); // no final byte: no sequence
    CHECK(strip_ansi("\x1b") == "\x1b");
    CHECK(strip_ansi("") == "");
}

TEST_CASE("core::strip_ansi reads text as the regular expression did") {
    std::uint64_t state = 0xa2517;
    int changed = 0;
    for (int i = 0; i < 8000; ++i) {
        std::string text = farm::test::random_text(state, pieces, 16);
        INFO("text: [" << text << "]");
        std::string expected = reference_strip(text);
        REQUIRE(strip_ansi(text) == expected);
        changed += expected != text ? 1 : 0;
    }
    CHECK(changed > 2000); // the texts hold sequences, not only their absence
}

TEST_CASE("core::strip_ansi on megabyte sequences: no recursion, one pass") {
    // std::regex recursed once per parameter byte: a build printing this crashed farm.
    // (Compared as booleans: doctest would print both megabyte texts on a failure.)
    std::string digits(1 << 20, '1');
    bool whole_sequence_removed = strip_ansi("\x1b[" + digits + "m!") == "!";
    CHECK(whole_sequence_removed);
    bool unfinished_kept = strip_ansi("\x1b[" + digits) == "\x1b[" + digits;
    CHECK(unfinished_kept);
    std::string many;
    for (int i = 0; i < 200000; ++i) {
        many += "\x1b[0m.";
    }
    bool each_removed = strip_ansi(many) == std::string(200000, '.');
    CHECK(each_removed);
}
