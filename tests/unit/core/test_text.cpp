#include "farm/core/text.hpp"

#include <doctest/doctest.h>

using namespace farm::core;

TEST_CASE("core::edit_distance") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("perf:biuld", "perf:build") == 2);
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

TEST_CASE("core::redact_secrets masks secrets in text") {
    CHECK(redact_secrets("curl -H 'Authorization: Bearer abc.def.ghi' x") ==
          "curl -H 'Authorization: Bearer ***' x");
    CHECK(redact_secrets("tool --token=s3cr3t --verbose") == "tool --token=*** --verbose");
    CHECK(redact_secrets("//registry.npmjs.org/:_authToken=npm_abcdefghijkl") ==
          "//registry.npmjs.org/:_authToken=***");
    CHECK(redact_secrets("git clone https://user:hunter2@example.com/r.git") ==
          "git clone https://user:***@example.com/r.git");
    CHECK(redact_secrets("OPENAI_API_KEY=sk-abcdefghijklmnop node a.js") ==
          "OPENAI_API_KEY=*** node a.js");
    CHECK(redact_secrets("echo sk-abcdefghijklmnopqrst") == "echo sk-***");
    // Ordinary command lines are left alone.
    CHECK(redact_secrets("pnpm --filter web run build") == "pnpm --filter web run build");
    CHECK(redact_secrets("sleep 0.1") == "sleep 0.1");
}

TEST_CASE("core::redact_secrets masks the value after a secret option in argv") {
    std::vector<std::string> argv = {"tool", "--api-key", "abc123", "--out", "x"};
    std::vector<std::string> expected = {"tool", "--api-key", "***", "--out", "x"};
    CHECK(redact_secrets(argv) == expected);
    std::vector<std::string> inline_value = {"tool", "--password=abc"};
    CHECK(redact_secrets(inline_value)[1] == "--password=***");
}

TEST_CASE("core::utc_now_iso8601 has milliseconds and a Z") {
    std::string now = utc_now_iso8601();
    CHECK(now.size() == 24);
    CHECK(now[10] == 'T');
    CHECK(now[19] == '.');
    CHECK(now.back() == 'Z');
}
