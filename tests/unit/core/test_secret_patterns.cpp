// The hand-written secret scanners against the regular expressions they replace: the same output
// on many random texts made of the pieces secrets are written with, and linear time on the long
// texts that made std::regex crash or take minutes.
#include "farm/core/redact.hpp"
#include "farm/core/secret_patterns.hpp"
#include "support/random_text.hpp"
#include "support/secret_regex_reference.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using namespace farm::core;
using farm::test::reference_mask;
using farm::test::reference_option_name;

namespace {

// The pieces secrets, their names and their surroundings are written with.
const std::vector<std::string>& pieces() {
    static const std::vector<std::string> all = {"-",
                                                 "--",
                                                 "=",
                                                 " ",
                                                 "'",
                                                 "\"",
                                                 "\t",
                                                 "\n",
                                                 ":",
                                                 "/",
                                                 "@",
                                                 "?",
                                                 "&",
                                                 ";",
                                                 "#",
                                                 ".",
                                                 "_",
                                                 "+",
                                                 "a",
                                                 "Z",
                                                 "9",
                                                 "\xc3\xa9",
                                                 "token",
                                                 "TOKEN",
                                                 "Password",
                                                 "passwd",
                                                 "secret",
                                                 "SECRET",
                                                 "api",
                                                 "-key",
                                                 "_key",
                                                 "key",
                                                 "Key",
                                                 "auth",
                                                 "Auth",
                                                 "author",
                                                 "Authorization",
                                                 "x-api-key",
                                                 "Api-Key",
                                                 "  ",
                                                 "Bearer ",
                                                 "basic ",
                                                 "bearer",
                                                 "NPM_",
                                                 "_authToken",
                                                 "_auth",
                                                 "_PWD",
                                                 "API_KEY",
                                                 "PASSWORD",
                                                 "https",
                                                 "git+ssh",
                                                 "://",
                                                 "user",
                                                 "sk-",
                                                 "sk_",
                                                 "ghp_",
                                                 "github_pat_",
                                                 "xoxb-",
                                                 "xoxp-",
                                                 "hf_",
                                                 "abcdefgh",
                                                 "12345678",
                                                 "sig",
                                                 "pwd",
                                                 "apikey",
                                                 "X-Amz-Signature",
                                                 "access_",
                                                 "client",
                                                 "subscription-",
                                                 "credential",
                                                 "private",
                                                 "password=",
                                                 "passwd=",
                                                 "mysql",
                                                 "-p",
                                                 "-psecret",
                                                 "sshpass"};
    return all;
}

std::string random_text(std::uint64_t& state) {
    return farm::test::random_text(state, pieces());
}

} // namespace

TEST_CASE("core::mask_secret_patterns finds what the regular expressions found") {
    std::uint64_t state = 0x5ec2e75;
    int masked = 0;
    for (int i = 0; i < 6000; ++i) {
        std::string text = random_text(state);
        INFO("text: [" << text << "]");
        std::string expected = reference_mask(text);
        REQUIRE(mask_secret_patterns(text) == expected);
        masked += expected != text ? 1 : 0;
    }
    CHECK(masked > 600); // the texts exercise the patterns, not only their absence
}

TEST_CASE("core::is_secret_option_name reads a word as the regular expression did") {
    std::uint64_t state = 0x0971;
    for (int i = 0; i < 6000; ++i) {
        std::string word = random_text(state);
        INFO("word: [" << word << "]");
        REQUIRE(is_secret_option_name(word) == reference_option_name(word));
    }
    CHECK(is_secret_option_name("--api-key"));
    CHECK(is_secret_option_name("-auth"));
    CHECK_FALSE(is_secret_option_name("--author"));
    CHECK_FALSE(is_secret_option_name("token"));
}

TEST_CASE("core::redact_secrets reads a long text once: no crash, no quadratic time") {
    // A 1 MB word crashed std::regex (one stack frame per character) and 16 KB took 48 s.
    std::string word(1 << 20, 'x');
    CHECK(redact_secrets("failed: " + word + " TOKEN=abc") == "failed: " + word + " TOKEN=***");
    CHECK(redact_secrets("API_TOKEN=" + word) == "API_TOKEN=***");
    std::string options;
    for (int i = 0; i < 100000; ++i) {
        options += "-a=";
    }
    CHECK(redact_secrets(options + " --token x") == options + " --token ***");
    std::string queries;
    for (int i = 0; i < 100000; ++i) {
        queries += "?a=";
    }
    CHECK(redact_secrets(queries) == queries);
    std::vector<std::string> argv = {"tool", "--" + word, std::string(1 << 20, '-')};
    CHECK(redact_secrets(argv) == argv);
}
