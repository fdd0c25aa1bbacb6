#include "farm/pnpm/toolchain.hpp"

#include "support/environment.hpp"
#include "support/random_text.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
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

namespace {

// The search farm read versions with before (correct on short texts, recursive per digit).
std::optional<std::string> reference_version(const std::string& text) {
    static const std::regex pattern(R"re(v?(\d+)\.(\d+)(?:\.(\d+))?)re");
    std::smatch m;
    if (!std::regex_search(text, m, pattern)) {
        return std::nullopt;
    }
    try {
        return std::to_string(std::stoi(m[1])) + "." + std::to_string(std::stoi(m[2])) + "." +
               std::to_string(m[3].matched ? std::stoi(m[3]) : 0);
    } catch (const std::out_of_range&) {
        return std::nullopt;
    }
}

} // namespace

TEST_CASE("pnpm::parse_version reads text as the regular expression did") {
    const std::vector<std::string> pieces = {"1",  "0",   "23", ".",      "..",         "v",
                                             "-",  "+",   "@",  " ",      "a",          "rc",
                                             "\n", "1.2", ".3", "10.6.1", "99999999999"};
    std::uint64_t state = 0x7e510;
    int found = 0;
    for (int i = 0; i < 6000; ++i) {
        std::string text = farm::test::random_text(state, pieces, 10);
        INFO("text: [" << text << "]");
        std::optional<Version> version = parse_version(text);
        std::optional<std::string> expected = reference_version(text);
        REQUIRE(version.has_value() == expected.has_value());
        if (version) {
            REQUIRE(version->text == *expected);
            found += 1;
        }
    }
    CHECK(found > 500); // the texts hold versions, not only their absence
}

TEST_CASE("pnpm::parse_package_manager on a megabyte field: no recursion") {
    // A cloned repository's package.json with this field crashed `farm optimize:pnpm`.
    std::string digits(1 << 20, '1');
    CHECK_FALSE(parse_package_manager("pnpm@" + digits + ".0.0").has_value());
    CHECK_FALSE(parse_package_manager("pnpm@1" + digits).has_value());
    std::optional<Version> v = parse_package_manager("pnpm@10." + std::string(1 << 20, '0') + "1");
    REQUIRE(v);
    CHECK(v->text == "10.1.0");
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
