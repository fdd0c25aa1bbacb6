#include "farm/pnpm/install_log.hpp"

#include "pnpm/parse_install_log.hpp"
#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <random>
#include <string>

using namespace farm::pnpm;
using namespace farm::test::install_log;

// How the parser reads what no recording shows (the recorded logs: test_install_log.cpp): lines
// cut anywhere, CRLF, damaged or foreign lines, and single events written for the test, each
// with the edge case it covers.

TEST_CASE("pnpm::InstallLogParser line handling") {
    const std::string fetched =
        R"({"name":"pnpm:progress","status":"fetched","packageId":"a@1.0.0"})";
    const std::string reused =
        R"({"name":"pnpm:progress","status":"found_in_store","packageId":"b@1.0.0"})";

    SUBCASE("a last line without newline is parsed by finish()") {
        InstallLogParser parser;
        parser.feed(fetched + "\n" + reused);
        CHECK(parser.stats().downloaded == 1);
        CHECK(parser.stats().reused == 0); // still waiting for its newline
        CHECK(parser.stats().lines == 1);
        parser.finish();
        CHECK(parser.stats().reused == 1);
        CHECK(parser.stats().lines == 2);
        parser.finish(); // a second finish() adds nothing
        CHECK(parser.stats().lines == 2);
    }
    SUBCASE("a truncated last line is counted as not JSON") {
        InstallLogParser parser;
        parser.feed(fetched + "\n" + reused.substr(0, 20));
        parser.finish();
        CHECK(parser.stats().downloaded == 1);
        CHECK(parser.stats().reused == 0);
        CHECK(parser.stats().lines == 2);
        CHECK(parser.stats().non_json_lines == 1);
    }
    SUBCASE("CRLF line endings") {
        // Another package's download: the same package fetched twice is one download.
        std::string other = R"({"name":"pnpm:progress","status":"fetched","packageId":"c@1.0.0"})";
        InstallStats s = parse_whole(fetched + "\r\n" + reused + "\r\n\r\n" + other + "\r\n");
        CHECK(s.downloaded == 2);
        CHECK(s.reused == 1);
        CHECK(s.lines == 3); // the empty line is not a line of the log
        CHECK(s.non_json_lines == 0);
    }
    SUBCASE("CRLF split between two pieces") {
        InstallLogParser parser;
        parser.feed(fetched + "\r");
        parser.feed("\n" + reused + "\r");
        parser.feed("\n");
        parser.finish();
        CHECK(parser.stats().downloaded == 1);
        CHECK(parser.stats().reused == 1);
        CHECK(parser.stats().non_json_lines == 0);
    }
    SUBCASE("a whole real log in CRLF gives the same numbers") {
        std::string lf = farm::test::read_fixture("pnpm", "pnpm10-cold.ndjson");
        std::string crlf;
        for (char c : lf) {
            if (c == '\n') {
                crlf += '\r';
            }
            crlf += c;
        }
        check_same(parse_whole(lf), parse_whole(crlf));
        check_same(parse_whole(lf), parse_random_pieces(crlf, 7));
    }
    SUBCASE("a garbage line in the middle of a good log is counted and skipped") {
        std::string log = farm::test::read_fixture("pnpm", "pnpm9-cold.ndjson");
        std::size_t middle = log.find('\n', log.size() / 2) + 1;
        std::string damaged = log.substr(0, middle) + "\x1b[31mERR_PNPM_SOMETHING\x1b[0m {oops\n" +
                              log.substr(middle);
        InstallStats good = parse_whole(log);
        InstallStats s = parse_whole(damaged);
        CHECK(s.lines == good.lines + 1);
        CHECK(s.non_json_lines == 1);
        CHECK(s.downloaded == good.downloaded);
        CHECK(s.reused == good.reused);
        CHECK(s.bytes_downloaded == good.bytes_downloaded);
        CHECK(s.importing_s == good.importing_s);
        CHECK(s.execution_s == good.execution_s);
    }
    SUBCASE("JSON that is not an object counts as not JSON") {
        InstallStats s = parse_whole("[1,2]\n42\n\"text\"\nnull\n" + fetched + "\n");
        CHECK(s.lines == 5);
        CHECK(s.non_json_lines == 4);
        CHECK(s.downloaded == 1);
    }
    SUBCASE("binary noise never throws") {
        std::string noise;
        std::mt19937 random(3);
        for (int i = 0; i < 4096; ++i) {
            noise += char(random() & 0xFF);
        }
        InstallLogParser parser;
        CHECK_NOTHROW(parser.feed(noise));
        CHECK_NOTHROW(parser.finish());
        CHECK(parser.stats().lines == parser.stats().non_json_lines);
    }
}

TEST_CASE("pnpm::InstallLogParser events") {
    SUBCASE("unknown events and unknown fields are ignored") {
        InstallStats s = parse_whole(
            R"({"name":"pnpm:brand-new-event","status":"fetched","size":99})"
            "\n"
            R"({"name":"pnpm:progress","status":"fetched","extra":{"nested":[1,2]},"future":true})"
            "\n"
            R"({"name":"pnpm:progress","status":"teleported"})"
            "\n"
            R"({"status":"fetched"})"
            "\n"
            R"({"name":42,"status":"fetched"})"
            "\n");
        CHECK(s.lines == 5);
        CHECK(s.non_json_lines == 0);
        CHECK(s.downloaded == 1);
        CHECK(s.bytes_downloaded == 0);
    }
    SUBCASE("an error-level pnpm event fills error_message") {
        InstallStats s = parse_whole(
            R"({"name":"pnpm","level":"info","message":"Lockfile is up to date"})"
            "\n"
            R"({"name":"pnpm","level":"error","message":"ERR_PNPM_OUTDATED_LOCKFILE Cannot install"})"
            "\n"
            R"({"name":"pnpm","level":"error","message":"a later error"})"
            "\n");
        CHECK(s.error_message == "ERR_PNPM_OUTDATED_LOCKFILE Cannot install"); // the first one
    }
    SUBCASE("an error without a message takes err.message") {
        InstallStats s = parse_whole(
            R"({"name":"pnpm","level":"error","err":{"message":"fetch failed","code":"E"}})"
            "\n");
        CHECK(s.error_message == "fetch failed");
    }
    SUBCASE("a download of unknown size") {
        InstallStats s = parse_whole(
            R"({"name":"pnpm:fetching-progress","status":"started","size":null,"packageId":"a@1"})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","packageId":"b@1"})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","size":1000,"packageId":"c@1"})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"in_progress","downloaded":500})"
            "\n");
        CHECK(s.downloads_of_unknown_size == 2);
        CHECK(s.bytes_downloaded == 1000);
    }
    SUBCASE("stage times need a start; a done without a start gives nothing") {
        InstallStats s =
            parse_whole(R"({"name":"pnpm:stage","stage":"resolution_done","time":2000})"
                        "\n"
                        R"({"name":"pnpm:stage","stage":"importing_started"})"
                        "\n"
                        R"({"name":"pnpm:stage","stage":"importing_done","time":5000})"
                        "\n");
        CHECK_FALSE(s.resolution_s.has_value());
        CHECK_FALSE(s.importing_s.has_value()); // the start had no time
    }
    SUBCASE("the import method event wins over the progress events") {
        InstallStats s =
            parse_whole(R"({"name":"pnpm:progress","status":"imported","method":"hardlink"})"
                        "\n"
                        R"({"name":"pnpm:package-import-method","method":"copy"})"
                        "\n"
                        R"({"name":"pnpm:progress","status":"imported","method":"hardlink"})"
                        "\n");
        CHECK(s.import_method == "copy");
        CHECK(s.added == 2);
    }
    SUBCASE("numbers out of range never throw") {
        // Not something pnpm writes; a damaged or foreign log must still not bring farm down.
        InstallLogParser parser;
        CHECK_NOTHROW(parser.feed(
            R"({"name":"pnpm:fetching-progress","status":"started","size":1e300})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","size":-1e300})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","size":18446744073709551615})"
            "\n"
            R"({"name":"pnpm:stage","stage":"importing_started","time":-9223372036854775808})"
            "\n"
            R"({"name":"pnpm:stage","stage":"importing_done","time":9223372036854775807})"
            "\n"
            R"({"name":"pnpm:execution-time","startedAt":-9223372036854775808,"endedAt":9223372036854775807})"
            "\n"
            R"({"name":"pnpm:stats","added":1e40,"removed":-1e40})"
            "\n"));
        parser.finish();
        const InstallStats& s = parser.stats();
        CHECK(s.lines == 7);
        CHECK(s.non_json_lines == 0);
        // Sizes that are no byte count are of unknown size.
        CHECK(s.downloads_of_unknown_size == 3);
        CHECK(s.bytes_downloaded == 0);
        REQUIRE(s.importing_s.has_value());
        CHECK(*s.importing_s > 1e16); // 2^64 ms, in seconds
        REQUIRE(s.execution_s.has_value());
        CHECK(*s.execution_s > 1e16);
        CHECK_FALSE(s.stats_added.has_value());
        CHECK_FALSE(s.stats_removed.has_value());
    }
    SUBCASE("a negative size is not a size; the total saturates") {
        InstallStats s = parse_whole(
            R"({"name":"pnpm:fetching-progress","status":"started","size":-10})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","size":9223372036854775807})"
            "\n"
            R"({"name":"pnpm:fetching-progress","status":"started","size":9223372036854775807})"
            "\n");
        CHECK(s.downloads_of_unknown_size == 1);
        CHECK(s.bytes_downloaded == 9223372036854775807);
    }
    SUBCASE("a size written as a float counts") {
        InstallStats s =
            parse_whole(R"({"name":"pnpm:fetching-progress","status":"started","size":2048.0})"
                        "\n");
        CHECK(s.bytes_downloaded == 2048);
        CHECK(s.downloads_of_unknown_size == 0);
    }
}
