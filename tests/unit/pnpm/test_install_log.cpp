#include "farm/pnpm/install_log.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace farm::pnpm;

// The fixtures in tests/fixtures/pnpm/ are real `pnpm install --reporter=ndjson` logs of the same
// workspace (root + 3 workspace packages, 2 registry packages: is-number@7.0.0 and
// picocolors@1.1.1), recorded with pnpm 9, 10 and 12 in four situations:
//   cold        empty store: both tarballs downloaded
//   warm        store kept, node_modules removed: both found in the store
//   noop        node_modules kept: nothing to fetch
//   nolockfile  no lockfile: a resolution stage
// The expected numbers below were read off the files by hand (grep); each is commented with
// where it comes from.

namespace {

InstallStats parse_whole(std::string_view bytes) {
    InstallLogParser parser;
    parser.feed(bytes);
    parser.finish();
    return parser.stats();
}

InstallStats parse_bytewise(std::string_view bytes) {
    InstallLogParser parser;
    for (char c : bytes) {
        parser.feed(std::string_view(&c, 1));
    }
    parser.finish();
    return parser.stats();
}

InstallStats parse_random_pieces(std::string_view bytes, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> piece(0, 300); // 0: an empty feed is fine too
    InstallLogParser parser;
    while (!bytes.empty()) {
        std::size_t n = std::min(piece(random), bytes.size());
        parser.feed(bytes.substr(0, n));
        bytes.remove_prefix(n);
    }
    parser.finish();
    return parser.stats();
}

void check_same(const InstallStats& a, const InstallStats& b) {
    CHECK(a.resolved == b.resolved);
    CHECK(a.downloaded == b.downloaded);
    CHECK(a.reused == b.reused);
    CHECK(a.added == b.added);
    CHECK(a.bytes_downloaded == b.bytes_downloaded);
    CHECK(a.downloads_of_unknown_size == b.downloads_of_unknown_size);
    CHECK(a.import_method == b.import_method);
    CHECK(a.store_dir == b.store_dir);
    CHECK(a.resolution_s == b.resolution_s);
    CHECK(a.importing_s == b.importing_s);
    CHECK(a.execution_s == b.execution_s);
    CHECK(a.stats_added == b.stats_added);
    CHECK(a.stats_removed == b.stats_removed);
    CHECK(a.error_message == b.error_message);
    CHECK(a.lines == b.lines);
    CHECK(a.non_json_lines == b.non_json_lines);
    CHECK(a.store_hit_rate() == b.store_hit_rate());
}

// Parses a fixture whole, byte by byte and in random pieces; all three must agree. Returns the
// whole-at-once result for the caller's checks.
InstallStats parse_every_way(const std::string& name) {
    std::string bytes = farm::test::read_fixture("pnpm", name);
    InstallStats whole = parse_whole(bytes);
    INFO("fixture " << name);
    {
        INFO("one byte at a time");
        check_same(whole, parse_bytewise(bytes));
    }
    for (unsigned seed : {1u, 42u, 20261123u}) {
        INFO("random pieces, seed " << seed);
        check_same(whole, parse_random_pieces(bytes, seed));
    }
    return whole;
}

void check_seconds(const std::optional<double>& value, double expected) {
    REQUIRE(value.has_value());
    CHECK(*value == doctest::Approx(expected).epsilon(1e-9));
}

} // namespace

TEST_CASE("pnpm::InstallLogParser cold installs download both packages") {
    // Per file: 2 "fetched" progress events, 2 fetching-progress "started" events with sizes
    // 3730 (is-number@7.0.0) and 2625 (picocolors@1.1.1): 3730 + 2625 = 6355 bytes
    // (grep -o '"size":[0-9]*' pnpm*-cold.ndjson).
    struct Case {
        const char* file;
        std::size_t lines;  // non-empty lines (wc -l)
        double importing_s; // importing_done.time - importing_started.time
        double execution_s; // execution-time endedAt - startedAt
        const char* store_dir;
        std::optional<std::int64_t> stats_removed;
    };
    const Case cases[] = {
        {"pnpm9-cold.ndjson", 38, 0.300, 0.933, "/tmp/farm-fixture-store-9/v3", 0},
        {"pnpm10-cold.ndjson", 39, 0.239, 0.980, "/tmp/farm-fixture-store-10/v10", 0},
        {"pnpm12-cold.ndjson", 27, 0.306, 0.369, "/tmp/farm-fixture-store-12/v11", 0},
    };
    for (const Case& c : cases) {
        INFO(c.file);
        InstallStats s = parse_every_way(c.file);
        CHECK(s.downloaded == 2);
        CHECK(s.reused == 0);
        CHECK(s.resolved == 2);
        CHECK(s.added == 2);
        CHECK(s.bytes_downloaded == 6355);
        CHECK(s.downloads_of_unknown_size == 0);
        REQUIRE(s.store_hit_rate().has_value());
        CHECK(*s.store_hit_rate() == 0.0);
        CHECK(s.import_method == "hardlink");
        CHECK(s.store_dir == c.store_dir);
        check_seconds(s.importing_s, c.importing_s);
        check_seconds(s.execution_s, c.execution_s);
        CHECK_FALSE(s.resolution_s.has_value()); // lockfile present: no resolution stage
        CHECK(s.stats_added == std::optional<std::int64_t>(2));
        CHECK(s.stats_removed == c.stats_removed);
        CHECK(s.lines == c.lines);
        CHECK(s.non_json_lines == 0);
        CHECK(s.error_message.empty());
    }
}

TEST_CASE("pnpm::InstallLogParser warm installs reuse both packages") {
    struct Case {
        const char* file;
        std::size_t lines;
        double importing_s;
        double execution_s;
    };
    const Case cases[] = {
        {"pnpm9-warm.ndjson", 36, 0.143, 0.921},
        {"pnpm10-warm.ndjson", 37, 0.104, 0.985},
        {"pnpm12-warm.ndjson", 24, 0.047, 0.108},
    };
    for (const Case& c : cases) {
        INFO(c.file);
        InstallStats s = parse_every_way(c.file);
        CHECK(s.reused == 2);
        CHECK(s.downloaded == 0);
        CHECK(s.resolved == 2);
        CHECK(s.added == 2);
        CHECK(s.bytes_downloaded == 0); // no fetching-progress events at all
        REQUIRE(s.store_hit_rate().has_value());
        CHECK(*s.store_hit_rate() == 1.0);
        CHECK(s.import_method == "hardlink");
        check_seconds(s.importing_s, c.importing_s);
        check_seconds(s.execution_s, c.execution_s);
        CHECK(s.lines == c.lines);
        CHECK(s.non_json_lines == 0);
    }
}

TEST_CASE("pnpm::InstallLogParser noop installs have nothing to fetch") {
    SUBCASE("pnpm 9") {
        InstallStats s = parse_every_way("pnpm9-noop.ndjson");
        CHECK(s.reused == 0);
        CHECK(s.downloaded == 0);
        CHECK(s.added == 0);
        CHECK_FALSE(s.store_hit_rate().has_value()); // "nothing to fetch", not a 0% hit rate
        CHECK(s.import_method.empty());              // nothing imported, method never said
        CHECK(s.stats_added == std::optional<std::int64_t>(0));
        CHECK(s.stats_removed == std::optional<std::int64_t>(0));
        check_seconds(s.importing_s, 0.122);
        check_seconds(s.execution_s, 0.784);
        CHECK(s.lines == 25);
    }
    SUBCASE("pnpm 12") {
        InstallStats s = parse_every_way("pnpm12-noop.ndjson");
        CHECK(s.reused == 0);
        CHECK(s.downloaded == 0);
        CHECK_FALSE(s.store_hit_rate().has_value());
        CHECK_FALSE(s.stats_added.has_value()); // pnpm 12 writes no pnpm:stats for a noop
        CHECK_FALSE(s.stats_removed.has_value());
        check_seconds(s.importing_s, 0.005);
        check_seconds(s.execution_s, 0.033);
        CHECK(s.lines == 9);
    }
}

TEST_CASE("pnpm::InstallLogParser installs without a lockfile resolve") {
    SUBCASE("pnpm 9") {
        InstallStats s = parse_every_way("pnpm9-nolockfile.ndjson");
        check_seconds(s.resolution_s, 0.071); // 1795414714197 - 1795414714126 ms
        check_seconds(s.importing_s, 0.103);  // 1795414714309 - 1795414714206 ms
        check_seconds(s.execution_s, 0.854);
        CHECK(s.import_method == "hardlink");
        CHECK(s.reused == 2);
        CHECK(s.downloaded == 0);
        CHECK(s.lines == 42);
    }
    SUBCASE("pnpm 12, importing_started before resolution_started") {
        InstallStats s = parse_every_way("pnpm12-nolockfile.ndjson");
        check_seconds(s.resolution_s, 0.008); // 1795414715347 - 1795414715339 ms
        check_seconds(s.importing_s, 0.037);  // 1795414715372 - 1795414715335 ms
        check_seconds(s.execution_s, 0.065);
        CHECK(s.import_method == "hardlink"); // also from pnpm:package-import-method
        CHECK(s.reused == 2);
        CHECK(s.lines == 24);
    }
}

TEST_CASE("pnpm::InstallLogParser a crash output is not JSON") {
    // pnpm 11 under Node 20: a stack trace on stderr. 22 lines, 2 of them empty.
    InstallStats s = parse_every_way("pnpm11-node20-crash.log");
    CHECK(s.lines == 20);
    CHECK(s.non_json_lines == 20);
    CHECK(s.resolved == 0);
    CHECK(s.downloaded == 0);
    CHECK(s.reused == 0);
    CHECK(s.added == 0);
    CHECK(s.bytes_downloaded == 0);
    CHECK(s.import_method.empty());
    CHECK(s.store_dir.empty());
    CHECK_FALSE(s.resolution_s.has_value());
    CHECK_FALSE(s.importing_s.has_value());
    CHECK_FALSE(s.execution_s.has_value());
    CHECK_FALSE(s.stats_added.has_value());
    CHECK(s.error_message.empty());
    CHECK_FALSE(s.store_hit_rate().has_value());
}

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

TEST_CASE("pnpm::InstallStats::store_hit_rate") {
    InstallStats s;
    CHECK_FALSE(s.store_hit_rate().has_value());
    s.reused = 3;
    s.downloaded = 1;
    REQUIRE(s.store_hit_rate().has_value());
    CHECK(*s.store_hit_rate() == doctest::Approx(0.75));
    s.reused = 0;
    CHECK(*s.store_hit_rate() == 0.0);
}
