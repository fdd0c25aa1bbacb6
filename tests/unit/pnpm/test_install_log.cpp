#include "farm/pnpm/install_log.hpp"

#include "pnpm/parse_install_log.hpp"
#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace farm::pnpm;
using namespace farm::test::install_log;

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
