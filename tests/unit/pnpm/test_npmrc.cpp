#include "farm/pnpm/npmrc.hpp"

#include "farm/core/error.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace farm::pnpm;

namespace {

// Lines with their endings, so that comparing two files line by line also compares the endings.
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::size_t n = end == std::string_view::npos ? text.size() : end + 1;
        out.emplace_back(text.substr(0, n));
        text.remove_prefix(n);
    }
    return out;
}

// Every line of `before` but line `changed` (1-based) is in `after`, byte for byte.
void check_only_line_changed(const std::string& before, const std::string& after,
                             std::size_t changed) {
    std::vector<std::string> a = lines_of(before);
    std::vector<std::string> b = lines_of(after);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i + 1 != changed) {
            CHECK_MESSAGE(a[i] == b[i], "line " << i + 1);
        }
    }
}

const std::vector<std::string> corpus = {
    "",
    "\n",
    "\r\n",
    "   \n\t\n",
    "auto-install-peers=true",
    "auto-install-peers=true\n",
    "auto-install-peers=true\r\nprefer-offline=true\r\n",
    "a=1\r\nb=2\nc=3\r\nd=4",
    "\xEF\xBB\xBFstrict-peer-dependencies=false\n",
    "\xEF\xBB\xBF",
    "# comment\n; another\n  # indented\n",
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    "@acme:registry=https://npm.pkg.github.com/\r\n//npm.pkg.github.com/:_authToken=${GH}\r\n",
    "registry = https://registry.npmjs.org/  \n_auth=dXNlcjpwYXNz\n_password=c2VjcmV0\n",
    "key = value ; trailing comment\nother=\"quoted ; value\"\nthird='single'\n",
    "dup=1\ndup=2\ndup=3\n",
    "not a setting\n=no key\n[section]\ninside=1\n",
    "trailing-spaces=1   \n   \n \t \r\n",
    "lone\rcarriage=return\n",
    "\n\n\nx=1\n\n\n",
};

} // namespace

TEST_CASE("pnpm::Npmrc round trip keeps every byte") {
    for (const std::string& text : corpus) {
        CAPTURE(text);
        CHECK(Npmrc::parse(text).text() == text);
    }
}

TEST_CASE("pnpm::Npmrc round trip and set on random files") {
    // Bytes that matter to the reader, so that random files hit its corners.
    const std::string alphabet = "ab=#;[]\"'\\ \t\r\n\n\n\xEF\xBB\xBF$/:@.";
    std::mt19937 random(42);
    std::uniform_int_distribution<std::size_t> length(0, 60);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        for (std::size_t n = length(random); n > 0; --n) {
            text += alphabet[pick(random)];
        }
        CAPTURE(text);
        const Npmrc original = Npmrc::parse(text);
        REQUIRE(original.text() == text);
        Npmrc file = original;
        file.set("a", "x;#\\y");
        Npmrc reread = Npmrc::parse(file.text());
        CHECK(reread.get("a") == "x;#\\y");
        // Every other setting reads as before.
        for (const NpmrcEntry& entry : original.entries()) {
            if (entry.key != "a") {
                CHECK(reread.get(entry.key) == original.get(entry.key));
            }
        }
    }
}

TEST_CASE("pnpm::Npmrc round trip of the fixtures") {
    for (const char* name : {"plain.npmrc", "crlf-auth.npmrc", "comments-duplicates.npmrc"}) {
        CAPTURE(name);
        std::string text = farm::test::read_fixture("npmrc", name);
        REQUIRE(!text.empty());
        CHECK(Npmrc::parse(text).text() == text);
    }
    // A checkout that converted line endings would make the test above prove less.
    CHECK(farm::test::read_fixture("npmrc", "crlf-auth.npmrc").find("\r\n") != std::string::npos);
    CHECK(farm::test::read_fixture("npmrc", "comments-duplicates.npmrc").back() != '\n');

    Npmrc crlf = Npmrc::parse(farm::test::read_fixture("npmrc", "crlf-auth.npmrc"));
    CHECK(crlf.get("//registry.npmjs.org/:_authToken") == "${NPM_TOKEN}");
    CHECK(crlf.get("@acme:registry") == "https://npm.pkg.github.com/");
    CHECK(crlf.get("network-concurrency") == "32");
    CHECK(crlf.malformed_lines().empty());

    Npmrc dups = Npmrc::parse(farm::test::read_fixture("npmrc", "comments-duplicates.npmrc"));
    CHECK(dups.get("verify-store-integrity") == "false");
    CHECK(dups.get("link-workspace-packages") == "true");
    CHECK(dups.malformed_lines() == std::vector<std::size_t>{11});
}

TEST_CASE("pnpm::Npmrc reads values as npm's ini does") {
    Npmrc file = Npmrc::parse("\xEF\xBB\xBF"
                              "first=1\r\n"
                              "  spaced   =   two words  \r\n"
                              "commented=value ; why\n"
                              "hashed=value#why\n"
                              "escaped=a\\;b\\#c\\\\d\n"
                              "double=\"a ; b \\\"c\\\"\"\n"
                              "single='x # y'\n"
                              "unicode=\"caf\\u00e9\"\n"
                              "bad-escape=\"a\\qb\"\n"
                              "empty=\n"
                              "node-options=--max-old-space-size=4096\n"
                              "@scope:registry=https://r.example/\n"
                              "dotted.key.name=yes\n"
                              "token=${NPM_TOKEN}\n");
    CHECK(file.get("first") == "1"); // the BOM is not part of the key
    CHECK(file.get("spaced") == "two words");
    CHECK(file.get("commented") == "value");
    CHECK(file.get("hashed") == "value");
    CHECK(file.get("escaped") == "a;b#c\\d");
    CHECK(file.get("double") == "a ; b \"c\"");
    CHECK(file.get("single") == "x # y");
    CHECK(file.get("unicode") == "caf\xC3\xA9");
    CHECK(file.get("bad-escape") == "\"a\\qb\""); // JSON.parse fails: ini keeps the text
    CHECK(file.get("empty") == "");
    CHECK(file.get("node-options") == "--max-old-space-size=4096");
    CHECK(file.get("@scope:registry") == "https://r.example/");
    CHECK(file.get("dotted.key.name") == "yes");
    CHECK(file.get("token") == "${NPM_TOKEN}"); // never expanded
    CHECK(file.get("missing") == std::nullopt);
    CHECK(file.get("FIRST") == std::nullopt); // exact comparison
    CHECK(file.malformed_lines().empty());
}

TEST_CASE("pnpm::Npmrc get: the last assignment wins") {
    Npmrc file = Npmrc::parse("dup=1\nother=x\ndup=2\ndup = 3\n");
    CHECK(file.get("dup") == "3");
    std::vector<NpmrcEntry> entries = file.entries();
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].key == "dup");
    CHECK(entries[0].value == "1");
    CHECK(entries[0].line == 1);
    CHECK(entries[3].key == "dup");
    CHECK(entries[3].value == "3");
    CHECK(entries[3].line == 4);
}

TEST_CASE("pnpm::Npmrc malformed lines and sections") {
    Npmrc file = Npmrc::parse("a=1\nnot a setting\n# fine\n=nokey\n\n[section]\na=2\nb=3\n");
    CHECK(file.malformed_lines() == std::vector<std::size_t>{2, 4});
    // Keys under a section are not settings pnpm reads.
    CHECK(file.get("a") == "1");
    CHECK(file.get("b") == std::nullopt);
    CHECK(file.entries().size() == 1);

    // A new key goes above the section, where pnpm reads it.
    CHECK(file.set("c", "4"));
    CHECK(file.text() == "a=1\nnot a setting\n# fine\n=nokey\n\nc=4\n[section]\na=2\nb=3\n");
    CHECK(file.set("a", "5"));
    CHECK(file.text() == "a=5\nnot a setting\n# fine\n=nokey\n\nc=4\n[section]\na=2\nb=3\n");
}

TEST_CASE("pnpm::Npmrc set replaces the last assignment in place") {
    std::string before = "# settings\r\n"
                         "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\r\n"
                         "network-concurrency = 16\r\n"
                         "prefer-offline=false\r\n"
                         "network-concurrency  =  8   ; tuned\r\n"
                         "registry=https://registry.npmjs.org/\r\n";
    Npmrc file = Npmrc::parse(before);
    CHECK(file.set("network-concurrency", "64"));
    std::string after = file.text();
    check_only_line_changed(before, after, 5);
    CHECK(lines_of(after)[4] == "network-concurrency  =  64   ; tuned\r\n");
    CHECK(file.get("network-concurrency") == "64");
    CHECK(Npmrc::parse(after).get("network-concurrency") == "64");

    // Idempotent: the same value again changes nothing.
    CHECK_FALSE(file.set("network-concurrency", "64"));
    CHECK(file.text() == after);

    // An earlier duplicate is left alone, since the last one is the one npm reads.
    Npmrc dups = Npmrc::parse("x=1\nx=2\n");
    CHECK(dups.set("x", "3"));
    CHECK(dups.text() == "x=1\nx=3\n");
}

TEST_CASE("pnpm::Npmrc set keeps a value with special characters readable") {
    Npmrc file = Npmrc::parse("a=1 # note\n");
    CHECK(file.set("a", "x;y#z\\w"));
    CHECK(file.text() == "a=x\\;y\\#z\\\\w # note\n");
    CHECK(file.get("a") == "x;y#z\\w");
    CHECK(Npmrc::parse(file.text()).get("a") == "x;y#z\\w");
    CHECK_FALSE(file.set("a", "x;y#z\\w"));

    Npmrc quoted = Npmrc::parse("b = \"old\"\n");
    CHECK_FALSE(quoted.set("b", "old")); // the value npm reads is already old
    CHECK(quoted.set("b", "new"));
    CHECK(quoted.text() == "b = new\n");
}

TEST_CASE("pnpm::Npmrc set appends with the file's line ending") {
    SUBCASE("LF") {
        Npmrc file = Npmrc::parse("a=1\n");
        CHECK(file.set("prefer-offline", "true"));
        CHECK(file.text() == "a=1\nprefer-offline=true\n");
    }
    SUBCASE("CRLF") {
        Npmrc file = Npmrc::parse("# c\r\na=1\r\n");
        CHECK(file.set("prefer-offline", "true"));
        CHECK(file.text() == "# c\r\na=1\r\nprefer-offline=true\r\n");
    }
    SUBCASE("CRLF without a final newline") {
        Npmrc file = Npmrc::parse("# c\r\na=1");
        CHECK(file.set("b", "2"));
        CHECK(file.text() == "# c\r\na=1\r\nb=2\r\n");
    }
    SUBCASE("LF without a final newline") {
        Npmrc file = Npmrc::parse("a=1");
        CHECK(file.set("b", "2"));
        CHECK(file.text() == "a=1\nb=2\n");
        CHECK_FALSE(file.set("b", "2"));
        CHECK(file.text() == "a=1\nb=2\n");
    }
    SUBCASE("empty file") {
        Npmrc file = Npmrc::parse("");
        CHECK(file.set("side-effects-cache", "true"));
        CHECK(file.text() == "side-effects-cache=true\n");
    }
    SUBCASE("BOM stays first") {
        Npmrc file = Npmrc::parse("\xEF\xBB\xBF[section]\nx=1\n");
        CHECK(file.set("a", "1"));
        CHECK(file.text() == "\xEF\xBB\xBF"
                             "a=1\n[section]\nx=1\n");
    }
    SUBCASE("mixed endings: the more common one") {
        Npmrc file = Npmrc::parse("a=1\r\nb=2\r\nc=3\n");
        CHECK(file.set("d", "4"));
        CHECK(file.text() == "a=1\r\nb=2\r\nc=3\nd=4\r\n");
    }
    SUBCASE("keys with dots and scopes") {
        Npmrc file = Npmrc::parse("a=1\n");
        CHECK(file.set("@acme:foo.bar", "x"));
        CHECK(file.set("dotted.key", "y"));
        CHECK(file.text() == "a=1\n@acme:foo.bar=x\ndotted.key=y\n");
        CHECK(file.get("@acme:foo.bar") == "x");
        CHECK(file.get("dotted.key") == "y");
    }
}

TEST_CASE("pnpm::Npmrc protected keys are never written") {
    for (const char* key : {"registry",
                            "@acme:registry",
                            "//registry.npmjs.org/:_authToken",
                            "//host/:_password",
                            "_auth",
                            "_authToken",
                            "_password",
                            "username",
                            "email",
                            "always-auth",
                            "proxy",
                            "https-proxy",
                            "noproxy",
                            "no-proxy",
                            "cafile",
                            "ca",
                            "cert",
                            "key",
                            "strict-ssl",
                            "local-address",
                            "Registry",
                            "_AUTHTOKEN"}) {
        CAPTURE(key);
        CHECK(is_protected_key(key));
    }
    for (const char* key : {"prefer-offline", "network-concurrency", "registry-supports-time-field",
                            "public-hoist-pattern[]", "dotted.key", "@acme:foo"}) {
        CAPTURE(key);
        CHECK_FALSE(is_protected_key(key));
    }

    std::string before = "registry=https://npm.example.com/\r\n"
                         "//npm.example.com/:_authToken=${NPM_TOKEN}\r\n"
                         "strict-ssl=false\r\n";
    Npmrc file = Npmrc::parse(before);
    CHECK_THROWS_AS(file.set("registry", "https://evil.example/"), farm::UsageError);
    CHECK_THROWS_AS(file.set("//npm.example.com/:_authToken", "leaked"), farm::UsageError);
    CHECK_THROWS_AS(file.set("strict-ssl", "true"), farm::UsageError);
    CHECK_THROWS_AS(file.set("@new:registry", "https://x/"), farm::UsageError);
    CHECK_THROWS_AS(file.erase("registry"), farm::UsageError);
    CHECK_THROWS_AS(file.erase("//npm.example.com/:_authToken"), farm::UsageError);
    CHECK(file.text() == before);
}

TEST_CASE("pnpm::Npmrc set refuses what would not read back") {
    std::string before = "a=1\n";
    Npmrc file = Npmrc::parse(before);
    for (const char* key :
         {"", "a=b", "a\nb", " a", "a ", "#a", ";a", "[a]", "a;b", "\"a\"", "${HOME}"}) {
        CAPTURE(key);
        CHECK_THROWS_AS(file.set(key, "1"), farm::UsageError);
    }
    for (const char* value : {"1\n2", "1\r", " 1", "1 ", "\"1\"", "'1'", "${TOKEN}"}) {
        CAPTURE(value);
        CHECK_THROWS_AS(file.set("a", value), farm::UsageError);
    }
    CHECK(file.text() == before);
}

TEST_CASE("pnpm::Npmrc erase removes every assignment of a key") {
    std::string before = "# keep\nhoist=true\nother=1\r\nhoist = false\r\n[s]\nhoist=x\n";
    Npmrc file = Npmrc::parse(before);
    CHECK(file.erase("hoist"));
    CHECK(file.text() == "# keep\nother=1\r\n[s]\nhoist=x\n");
    CHECK(file.get("hoist") == std::nullopt);
    CHECK_FALSE(file.erase("hoist"));
    CHECK_FALSE(file.erase("missing"));

    Npmrc bom = Npmrc::parse("\xEF\xBB\xBF"
                             "a=1\nb=2");
    CHECK(bom.erase("b"));
    CHECK(bom.erase("a"));
    CHECK(bom.text() == "\xEF\xBB\xBF");
}
