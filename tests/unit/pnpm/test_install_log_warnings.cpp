#include "farm/pnpm/install_log.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace farm::pnpm;

// The warnings, lifecycle scripts and errors of real pnpm 9, 10 and 12 installs: the fixtures in
// tests/fixtures/pnpm/ named below (README.md there says how each was recorded). The expected
// values were read off the files with grep.

namespace {

InstallStats parse_fixture(const std::string& name) {
    InstallLogParser parser;
    parser.feed(farm::test::read_fixture("pnpm", name));
    parser.finish();
    return parser.stats();
}

std::vector<std::string> kinds(const std::vector<InstallWarning>& warnings) {
    std::vector<std::string> out;
    for (const InstallWarning& w : warnings) {
        out.push_back(w.kind);
    }
    return out;
}

} // namespace

TEST_CASE("pnpm::InstallLogParser engines warnings") {
    SUBCASE("pnpm 9: a warn-level \"pnpm\" event; the skipped optional platforms are not one") {
        // 24 "Unsupported platform" install-check warnings (esbuild's other platforms) and one
        // "Unsupported engine" for the project's engines.node >=99.
        InstallStats s = parse_fixture("pnpm9-engines-lifecycle.ndjson");
        REQUIRE(s.engine_warnings.size() == 1);
        CHECK(s.engine_warnings[0].starts_with("Unsupported engine: wanted: {\"node\":\">=99\"}"));
        std::vector<InstallWarning> w = s.warnings();
        REQUIRE(w.size() == 1);
        CHECK(w[0].kind == "engines");
        CHECK(w[0].text.starts_with("engines mismatch: Unsupported engine"));
        CHECK(w[0].text.find("v20.20.2") != std::string::npos);
    }
    SUBCASE("pnpm 12: a warn-level \"pnpm:global\" event") {
        InstallStats s = parse_fixture("pnpm12-strict-dep-builds.ndjson");
        REQUIRE(s.engine_warnings.size() == 1);
        CHECK(s.engine_warnings[0].starts_with("Unsupported engine for /home/dev/rec"));
    }
}

TEST_CASE("pnpm::InstallLogParser ignored build scripts") {
    SUBCASE("pnpm 10 ignores esbuild's postinstall and says so in pnpm:ignored-scripts") {
        InstallStats s = parse_fixture("pnpm10-ignored-scripts.ndjson");
        CHECK(s.ignored_build_scripts == std::vector<std::string>{"esbuild@0.25.0"});
        CHECK(kinds(s.warnings()) == std::vector<std::string>{"engines", "ignored_scripts"});
        CHECK(s.warnings()[1].text ==
              "pnpm ignored the build scripts of esbuild@0.25.0 (allow them with `pnpm "
              "approve-builds` if the build needs them)");
        CHECK(s.error_in_words().empty());
    }
    SUBCASE("pnpm 9 runs them: an empty list is no warning") {
        InstallStats s = parse_fixture("pnpm9-engines-lifecycle.ndjson");
        CHECK(s.ignored_build_scripts.empty());
        CHECK(kinds(s.warnings()) == std::vector<std::string>{"engines"});
    }
}

TEST_CASE("pnpm::InstallLogParser strict dependency builds") {
    SUBCASE("pnpm 10 with strict-dep-builds: the error comes before the ignored-scripts event") {
        InstallStats s = parse_fixture("pnpm10-strict-dep-builds.ndjson");
        CHECK(s.error_code == "ERR_PNPM_IGNORED_BUILDS");
        CHECK(s.error_message == "Ignored build scripts: esbuild@0.25.0"); // err.message
        CHECK(s.error_hint.starts_with("Run \"pnpm approve-builds\""));
        // One line for the packages, not an ignored-scripts line and a strict one.
        CHECK(kinds(s.warnings()) == std::vector<std::string>{"engines", "strict_dep_builds"});
        CHECK(s.warnings()[1].text.find("esbuild@0.25.0") != std::string::npos);
        CHECK(s.error_in_words() ==
              "Ignored build scripts: esbuild@0.25.0. pnpm's hint: Run \"pnpm approve-builds\" "
              "to pick which dependencies should be allowed to run scripts. "
              "[ERR_PNPM_IGNORED_BUILDS]");
    }
    SUBCASE("pnpm 12 fails by default (strictDepBuilds is on)") {
        InstallStats s = parse_fixture("pnpm12-strict-dep-builds.ndjson");
        CHECK(s.error_code == "ERR_PNPM_IGNORED_BUILDS");
        CHECK(kinds(s.warnings()) == std::vector<std::string>{"engines", "strict_dep_builds"});
        CHECK(s.error_in_words() == "installing dependencies: Ignored build scripts: "
                                    "esbuild@0.25.0 [ERR_PNPM_IGNORED_BUILDS]");
    }
}

TEST_CASE("pnpm::InstallLogParser lifecycle scripts") {
    SUBCASE("pnpm 9: esbuild's postinstall, start at ...3505, exit 0 at ...3989") {
        InstallStats s = parse_fixture("pnpm9-engines-lifecycle.ndjson");
        REQUIRE(s.lifecycle_scripts.size() == 1);
        const LifecycleScript& l = s.lifecycle_scripts[0];
        CHECK(l.package == "esbuild@0.25.0");
        CHECK(l.stage == "postinstall");
        CHECK(l.duration_s == doctest::Approx(0.484));
        CHECK(l.exit_code == 0);
        CHECK(l.started_ms == 1796532393505); // where a timeline (--trace) puts it
        // The stages' starts, lines 5 and 115.
        CHECK(s.resolution_started_ms == 1796532383514);
        CHECK(s.importing_started_ms == 1796532392182);
        CHECK(s.lifecycle_s() == doctest::Approx(0.484));
        // The project's own postinstall printed on the terminal: 3 lines that are not JSON.
        CHECK(s.non_json_lines == 3);
    }
    SUBCASE("pnpm 12: the project's postinstall, with an output line between start and end") {
        InstallStats s = parse_fixture("pnpm12-strict-dep-builds.ndjson");
        REQUIRE(s.lifecycle_scripts.size() == 1);
        CHECK(s.lifecycle_scripts[0].package == "/home/dev/rec");
        CHECK(s.lifecycle_scripts[0].duration_s == doctest::Approx(0.386)); // ...6548 - ...6162
    }
    SUBCASE("pnpm 10 ran no dependency script: no lifecycle time at all, not 0 s") {
        InstallStats s = parse_fixture("pnpm10-ignored-scripts.ndjson");
        CHECK(s.lifecycle_scripts.empty());
        CHECK_FALSE(s.lifecycle_s().has_value());
    }
    SUBCASE("an end without its start is left out; a failed script keeps its exit code") {
        InstallLogParser parser;
        parser.feed(
            R"({"time":5,"name":"pnpm:lifecycle","depPath":"a@1","stage":"install","exitCode":0})"
            "\n"
            R"({"time":10,"name":"pnpm:lifecycle","depPath":"b@1","stage":"install","script":"x"})"
            "\n"
            R"({"time":2010,"name":"pnpm:lifecycle","depPath":"b@1","stage":"install","exitCode":1})"
            "\n");
        REQUIRE(parser.stats().lifecycle_scripts.size() == 1);
        CHECK(parser.stats().lifecycle_scripts[0].package == "b@1");
        CHECK(parser.stats().lifecycle_scripts[0].duration_s == doctest::Approx(2.0));
        CHECK(parser.stats().lifecycle_scripts[0].exit_code == 1);
    }
}

TEST_CASE("pnpm::InstallLogParser a retried download counts once") {
    // The two real pnpm 10 lines of esbuild's download, then the same "started" line as pnpm
    // sends it again when it retries (attempt 2), and a second "fetched".
    std::string started =
        R"({"time":1796532410627,"hostname":"vm","pid":21236,"level":"debug",)"
        R"("name":"pnpm:fetching-progress","attempt":1,"packageId":"esbuild@0.25.0",)"
        R"("size":30616,"status":"started"})";
    std::string retried = started;
    retried.replace(retried.find("\"attempt\":1"), 11, "\"attempt\":2");
    std::string fetched = R"({"time":1796532410698,"hostname":"vm","pid":21236,"level":"debug",)"
                          R"("name":"pnpm:progress","packageId":"esbuild@0.25.0",)"
                          R"("requester":"/home/dev/rec","status":"fetched"})";
    InstallLogParser parser;
    parser.feed(started + "\n" + retried + "\n" + fetched + "\n" + fetched + "\n");
    CHECK(parser.stats().bytes_downloaded == 30616);
    CHECK(parser.stats().downloaded == 1);
}

TEST_CASE("pnpm::InstallStats::error_in_words from pnpm's error events") {
    SUBCASE("pnpm 10, a package the registry does not have: err.message and the hint") {
        InstallStats s = parse_fixture("pnpm10-fetch-404.ndjson");
        CHECK(s.error_package == "farm-no-such-package-d1"); // pkgName
        // The message names the package already (in the URL): not said twice.
        CHECK(s.error_in_words() ==
              "GET https://registry.npmjs.org/farm-no-such-package-d1: Not Found - 404. pnpm's "
              "hint: farm-no-such-package-d1 is not in the npm registry, or you have no "
              "permission to fetch it.; No authorization header was set for the request. "
              "[ERR_PNPM_FETCH_404]");
    }
    SUBCASE("a message that does not name the package gets it added") {
        InstallLogParser parser;
        parser.feed(R"({"name":"pnpm","level":"error","code":"ERR_PNPM_X","pkgName":"left-pad",)"
                    R"("err":{"message":"tarball is broken"}})"
                    "\n");
        CHECK(parser.stats().error_in_words() ==
              "tarball is broken (package left-pad) [ERR_PNPM_X]");
    }
    SUBCASE("pnpm 12: one message over several lines, made one line") {
        InstallStats s = parse_fixture("pnpm12-fetch-404.ndjson");
        CHECK(s.error_in_words() ==
              "GET https://registry.npmjs.org/farm-no-such-package-d1: Not Found - 404; Failed "
              "to resolve farm-no-such-package-d1@1.0.0 [ERR_PNPM_FETCH_404]");
    }
    SUBCASE("the registry is down (a closed port)") {
        InstallStats ten = parse_fixture("pnpm10-registry-down.ndjson");
        CHECK(ten.error_code == "ERR_PNPM_META_FETCH_FAIL");
        CHECK(ten.error_package == "farm-no-such-package-d1"); // package.name
        CHECK(ten.error_in_words().find("reason: connect ECONNREFUSED 127.0.0.1:9") !=
              std::string::npos);
        InstallStats twelve = parse_fixture("pnpm12-registry-down.ndjson");
        CHECK(twelve.error_in_words().find("Connection refused") != std::string::npos);
        CHECK(twelve.error_in_words().find('\n') == std::string::npos);
    }
    SUBCASE("a successful install has none") {
        CHECK(parse_fixture("pnpm10-ignored-scripts.ndjson").error_in_words().empty());
    }
}

TEST_CASE("pnpm::without_ndjson_lines") {
    // pnpm 10's strict failure as it ends: the project's postinstall in words between events.
    std::string log = farm::test::read_fixture("pnpm", "pnpm10-strict-dep-builds.ndjson");
    std::string words = without_ndjson_lines(log);
    CHECK(words.find("{\"") == std::string::npos);
    CHECK(words.find("> rec@1.0.0 postinstall /home/dev/rec") != std::string::npos);
    CHECK(words.find("postinstall ran") != std::string::npos);
    CHECK(
        without_ndjson_lines(farm::test::read_fixture("pnpm", "pnpm12-fetch-404.ndjson")).empty());
}

TEST_CASE("pnpm::distinct_warnings") {
    InstallStats s = parse_fixture("pnpm10-ignored-scripts.ndjson");
    std::vector<InstallWarning> w = distinct_warnings({s, s, InstallStats{}});
    CHECK(kinds(w) == std::vector<std::string>{"engines", "ignored_scripts"});
}
