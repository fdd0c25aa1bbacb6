#include "farm/pnpm/toolchain.hpp"

#include "support/environment.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace farm::pnpm;

// Only the pure functions: nothing here runs pnpm or node (pnpm_environment looks at files).

namespace {

Version version(int major, int minor, int patch) {
    Version v;
    v.major = major;
    v.minor = minor;
    v.patch = patch;
    return v;
}

} // namespace

TEST_CASE("pnpm::parse_version") {
    SUBCASE("plain versions") {
        std::optional<Version> v = parse_version("10.6.1");
        REQUIRE(v.has_value());
        CHECK(v->major == 10);
        CHECK(v->minor == 6);
        CHECK(v->patch == 1);
        CHECK(v->text == "10.6.1");
    }
    SUBCASE("a leading v and a trailing newline") {
        std::optional<Version> v = parse_version("v9.15.0\n");
        REQUIRE(v.has_value());
        CHECK(v->text == "9.15.0");
    }
    SUBCASE("a prerelease keeps its numbers") {
        std::optional<Version> v = parse_version("11.0.0-rc.1");
        REQUIRE(v.has_value());
        CHECK(v->major == 11);
        CHECK(v->minor == 0);
        CHECK(v->patch == 0);
        CHECK(v->text == "11.0.0");
    }
    SUBCASE("MAJOR.MINOR alone means patch 0") {
        std::optional<Version> v = parse_version("8.7");
        REQUIRE(v.has_value());
        CHECK(v->patch == 0);
        CHECK(v->text == "8.7.0");
    }
    SUBCASE("leading zeros are numbers") {
        std::optional<Version> v = parse_version("010.02.3");
        REQUIRE(v.has_value());
        CHECK(v->text == "10.2.3");
    }
    SUBCASE("no MAJOR.MINOR") {
        CHECK_FALSE(parse_version("").has_value());
        CHECK_FALSE(parse_version("10").has_value());
        CHECK_FALSE(parse_version("latest").has_value());
        CHECK_FALSE(parse_version("v").has_value());
        CHECK_FALSE(parse_version("ten.six").has_value());
    }
    SUBCASE("numbers too large for an int are not a version") {
        CHECK_FALSE(parse_version("99999999999999999999.1.0").has_value());
        CHECK_FALSE(parse_version("1.99999999999999999999").has_value());
        CHECK_FALSE(parse_version("1.2.99999999999999999999").has_value());
    }
}

TEST_CASE("pnpm::parse_package_manager") {
    SUBCASE("pnpm with a hash") {
        std::optional<Version> v = parse_package_manager(
            "pnpm@10.6.1+sha512.40ee09af407fa9fbb5fbfb8e1cb40fbb74c0af0c3e10e9224d7b53c7658528615");
        REQUIRE(v.has_value());
        CHECK(v->major == 10);
        CHECK(v->minor == 6);
        CHECK(v->patch == 1);
        CHECK(v->text == "10.6.1");
    }
    SUBCASE("pnpm without a hash") {
        std::optional<Version> v = parse_package_manager("pnpm@9.15.0");
        REQUIRE(v.has_value());
        CHECK(v->text == "9.15.0");
    }
    SUBCASE("a prerelease") {
        std::optional<Version> v = parse_package_manager("pnpm@11.0.0-beta.3");
        REQUIRE(v.has_value());
        CHECK(v->text == "11.0.0");
    }
    SUBCASE("another package manager or no version") {
        CHECK_FALSE(parse_package_manager("yarn@4.1.0").has_value());
        CHECK_FALSE(parse_package_manager("npm@10.2.0").has_value());
        CHECK_FALSE(parse_package_manager("pnpm").has_value());
        CHECK_FALSE(parse_package_manager("pnpm@").has_value());
        CHECK_FALSE(parse_package_manager("pnpm@latest").has_value());
        CHECK_FALSE(parse_package_manager("").has_value());
        CHECK_FALSE(parse_package_manager("PNPM@10.6.1").has_value());
        CHECK_FALSE(parse_package_manager(" pnpm@10.6.1").has_value());
    }
    SUBCASE("the hash is never read as a version") {
        CHECK_FALSE(parse_package_manager("pnpm@10+sha512.40ee09af").has_value());
        CHECK_FALSE(parse_package_manager("pnpm@+sha512.1234.5678").has_value());
        CHECK_FALSE(parse_package_manager("pnpm@latest+sha224.12.34").has_value());
    }
    SUBCASE("a version too large is no version, not a crash") {
        CHECK_FALSE(parse_package_manager("pnpm@99999999999.0.0").has_value());
    }
}

TEST_CASE("pnpm::Version::at_least") {
    Version v = version(10, 6, 1);
    CHECK(v.at_least(10));
    CHECK(v.at_least(10, 6));
    CHECK(v.at_least(10, 6, 1));
    CHECK(v.at_least(9, 99, 99));
    CHECK(v.at_least(10, 5, 99));
    CHECK_FALSE(v.at_least(10, 6, 2));
    CHECK_FALSE(v.at_least(10, 7));
    CHECK_FALSE(v.at_least(11));
    CHECK_FALSE(v.at_least(11, 0, 0));
    CHECK(version(0, 0, 0).at_least(0));
    CHECK_FALSE(version(0, 0, 0).at_least(0, 0, 1));
    CHECK(version(12, 0, 0).at_least(11, 9, 9));
    // A parsed version compares the same way.
    std::optional<Version> parsed = parse_version("9.15.0");
    REQUIRE(parsed.has_value());
    CHECK(parsed->at_least(9, 15));
    CHECK_FALSE(parsed->at_least(10));
}

namespace {

std::map<std::string, std::string>
as_map(const std::vector<std::pair<std::string, std::string>>& env) {
    return {env.begin(), env.end()};
}

// An executable `pnpm` in `folder` (the unit tests run in a fresh temporary folder).
std::filesystem::path fake_pnpm(const std::filesystem::path& folder) {
    std::filesystem::create_directories(folder);
    std::filesystem::path binary = std::filesystem::absolute(folder / "pnpm");
    std::ofstream(binary) << "#!/bin/sh\n";
    std::filesystem::permissions(binary, std::filesystem::perms::owner_all);
    return binary;
}

} // namespace

TEST_CASE("pnpm::pnpm_environment") {
    farm::test::ScopedEnvironment scoped;
    std::filesystem::path chosen = fake_pnpm("chosen/bin");
    std::filesystem::path other = fake_pnpm("other/bin");
    std::string other_folder = other.parent_path().string();
    scoped.set("PATH", other_folder + ":/usr/bin:/bin");

    SUBCASE("version management off under the names of pnpm 9/10 and of pnpm 11+") {
        std::map<std::string, std::string> env = as_map(pnpm_environment(chosen.string()));
        CHECK(env["npm_config_manage_package_manager_versions"] == "false");
        // pnpm 9/10 empty the lower-case one in their scripts' environment.
        CHECK(env["NPM_CONFIG_MANAGE_PACKAGE_MANAGER_VERSIONS"] == "false");
        CHECK(env["pnpm_config_manage_package_manager_versions"] == "false");
        CHECK(env["pnpm_config_pm_on_fail"] == "ignore");
        // Every setting under both names: pnpm 9/10 read only npm_config_*, pnpm 11+ only
        // pnpm_config_* (checked against real pnpm in test_optimize_pnpm_versions.sh).
        for (const auto& [name, value] : env) {
            if (name.starts_with("npm_config_")) {
                CHECK_MESSAGE(env.count("pnpm_config_" + name.substr(11)) == 1, name);
            } else if (name.starts_with("pnpm_config_")) {
                CHECK_MESSAGE(env.count("npm_config_" + name.substr(12)) == 1, name);
            }
        }
    }
    SUBCASE("a pnpm that PATH does not find: its folder first, the rest of PATH as it was") {
        std::map<std::string, std::string> env = as_map(pnpm_environment(chosen.string()));
        CHECK(env["PATH"] == chosen.parent_path().string() + ":" + other_folder + ":/usr/bin:/bin");
    }
    SUBCASE("the pnpm PATH finds first: PATH is not touched") {
        CHECK(as_map(pnpm_environment(other.string())).count("PATH") == 0);
        CHECK(as_map(pnpm_environment("pnpm")).count("PATH") == 0);
    }
    SUBCASE("a pnpm further down PATH than another one: its folder first") {
        scoped.set("PATH", other_folder + ":" + chosen.parent_path().string());
        CHECK(as_map(pnpm_environment(chosen.string()))["PATH"] ==
              chosen.parent_path().string() + ":" + other_folder + ":" +
                  chosen.parent_path().string());
    }
}

TEST_CASE("pnpm::pnpm_command") {
    std::vector<std::string> argv = pnpm_command("/opt/pnpm", {"--filter", "web", "run", "build"});
    // The flags right after the binary: pnpm 12 hands flags after "run build" to the script.
    CHECK(argv == std::vector<std::string>{
                      "/opt/pnpm", "--config.manage-package-manager-versions=false",
                      "--config.pm-on-fail=ignore", "--filter", "web", "run", "build"});
}
