#include "farm/pnpm/speed_settings.hpp"

#include "farm/pnpm/toolchain.hpp"

#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace farm::pnpm;

namespace {

using farm::test::version;

const SpeedSetting* find(const std::vector<SpeedSetting>& settings, const std::string& key) {
    auto it = std::find_if(settings.begin(), settings.end(),
                           [&](const SpeedSetting& s) { return s.key == key; });
    return it == settings.end() ? nullptr : &*it;
}

std::vector<std::string> keys_of(const std::vector<SpeedSetting>& settings) {
    std::vector<std::string> keys;
    for (const SpeedSetting& s : settings) {
        keys.push_back(s.key);
    }
    return keys;
}

} // namespace

TEST_CASE("pnpm::settings_file_for follows the version that moved settings to the YAML") {
    for (const char* text : {"9.15.0", "10.5.2", "10.0.0", "7.33.0", "8.15.9"}) {
        CAPTURE(text);
        CHECK(settings_file_for(version(text)) == SettingsFile::npmrc);
    }
    for (const char* text : {"10.6.0", "10.34.1", "11.0.0", "12.21.0"}) {
        CAPTURE(text);
        CHECK(settings_file_for(version(text)) == SettingsFile::workspace_yaml);
    }
    CHECK(std::string(file_name_of(SettingsFile::npmrc)) == ".npmrc");
    CHECK(std::string(file_name_of(SettingsFile::workspace_yaml)) == "pnpm-workspace.yaml");
}

TEST_CASE("pnpm::ignores_npmrc_settings from pnpm 11 on") {
    CHECK_FALSE(ignores_npmrc_settings(version("9.15.0")));
    CHECK_FALSE(ignores_npmrc_settings(version("10.5.0")));
    CHECK_FALSE(ignores_npmrc_settings(version("10.34.0")));
    CHECK(ignores_npmrc_settings(version("11.0.0")));
    CHECK(ignores_npmrc_settings(version("11.0.0-rc.1")) == version("11.0.0-rc.1").at_least(11));
    CHECK(ignores_npmrc_settings(version("12.21.0")));
}

TEST_CASE("pnpm::is_known_version knows pnpm 7 to 12") {
    for (const char* text :
         {"7.0.0", "8.15.9", "9.15.0", "10.6.0", "11.1.0", "12.21.0", "12.99.9"}) {
        CAPTURE(text);
        CHECK(is_known_version(version(text)));
    }
    for (const char* text : {"6.35.1", "6.0.0", "13.0.0", "1.0.0"}) {
        CAPTURE(text);
        CHECK_FALSE(is_known_version(version(text)));
    }
}

TEST_CASE("pnpm::kebab_case and camel_case are inverse for pnpm's keys") {
    CHECK(kebab_case("networkConcurrency") == "network-concurrency");
    CHECK(camel_case("network-concurrency") == "networkConcurrency");
    CHECK(kebab_case("preferOffline") == "prefer-offline");
    CHECK(camel_case("side-effects-cache") == "sideEffectsCache");
    CHECK(kebab_case("registry") == "registry");
    CHECK(camel_case("registry") == "registry");
    for (const char* camel :
         {"preferOffline", "sideEffectsCache", "optimisticRepeatInstall", "networkConcurrency",
          "childConcurrency", "linkWorkspacePackages", "preferWorkspacePackages",
          "sharedWorkspaceLockfile", "nodeLinker", "storeDir", "saveExact", "autoInstallPeers"}) {
        CAPTURE(camel);
        CHECK(camel_case(kebab_case(camel)) == camel);
    }
    for (const char* kebab : {"prefer-offline", "child-concurrency", "save-exact",
                              "strict-peer-dependencies", "node-linker"}) {
        CAPTURE(kebab);
        CHECK(kebab_case(camel_case(kebab)) == kebab);
    }
}

TEST_CASE("pnpm::network_concurrency_for is 3 per core within 16..64") {
    CHECK(network_concurrency_for(1) == 16);
    CHECK(network_concurrency_for(2) == 16);
    CHECK(network_concurrency_for(8) == 24);
    CHECK(network_concurrency_for(64) == 64);
    CHECK(network_concurrency_for(0) == 16);
    CHECK(network_concurrency_for(-4) == 16);
}

TEST_CASE("pnpm::speed_settings_for gives each version its own settings") {
    MachineFacts facts{8, false};

    SUBCASE("optimisticRepeatInstall only from 10.1 on, with the default of the version") {
        CHECK(find(speed_settings_for(version("9.15.0"), facts, false),
                   "optimisticRepeatInstall") == nullptr);
        CHECK(find(speed_settings_for(version("10.0.0"), facts, false),
                   "optimisticRepeatInstall") == nullptr);
        std::vector<SpeedSetting> v10 = speed_settings_for(version("10.1.0"), facts, false);
        const SpeedSetting* repeat = find(v10, "optimisticRepeatInstall");
        REQUIRE(repeat != nullptr);
        CHECK(repeat->value == "true");
        CHECK(repeat->pnpm_default == std::optional<std::string>("false"));
        std::vector<SpeedSetting> v11 = speed_settings_for(version("11.0.0"), facts, false);
        REQUIRE(find(v11, "optimisticRepeatInstall") != nullptr);
        CHECK(find(v11, "optimisticRepeatInstall")->pnpm_default ==
              std::optional<std::string>("true"));
    }

    SUBCASE("nothing machine-specific for the project's files") {
        for (const char* text : {"7.0.0", "9.15.0", "10.23.0", "10.34.0", "12.21.0"}) {
            CAPTURE(text);
            std::vector<std::string> keys = keys_of(
                speed_settings_for(version(text), MachineFacts{64, true, true, true}, true));
            for (const char* machine : {"networkConcurrency", "childConcurrency", "storeDir"}) {
                CHECK(std::find(keys.begin(), keys.end(), machine) == keys.end());
            }
        }
    }

    SUBCASE("preferOffline is never written, and no lockfile-layout setting is proposed") {
        for (const char* text : {"9.15.0", "10.34.0", "12.21.0"}) {
            CAPTURE(text);
            std::vector<std::string> keys =
                keys_of(speed_settings_for(version(text), MachineFacts{8, true, true, true}, true));
            CHECK(std::find(keys.begin(), keys.end(), "preferOffline") == keys.end());
            CHECK(std::find(keys.begin(), keys.end(), "sharedWorkspaceLockfile") == keys.end());
        }
    }

    SUBCASE("workspace resolution settings only when asked for, and only when they matter") {
        for (const char* text : {"9.15.0", "10.34.0", "12.21.0"}) {
            CAPTURE(text);
            for (MachineFacts f :
                 {MachineFacts{8, false, true, true}, MachineFacts{8, true, false, true},
                  MachineFacts{8, true, true, false}}) {
                std::vector<SpeedSetting> settings = speed_settings_for(version(text), f, false);
                CHECK(find(settings, "linkWorkspacePackages") == nullptr);
                CHECK(find(settings, "preferWorkspacePackages") == nullptr);
            }
            std::vector<SpeedSetting> asked =
                speed_settings_for(version(text), MachineFacts{8, true, true, true}, false);
            for (const char* key : {"linkWorkspacePackages", "preferWorkspacePackages"}) {
                CAPTURE(key);
                const SpeedSetting* setting = find(asked, key);
                REQUIRE(setting != nullptr);
                CHECK(setting->changes_resolution);
                CHECK(setting->warning.find("resolution") != std::string::npos);
            }
        }
    }

    SUBCASE("each setting names the install that shows its effect") {
        std::vector<SpeedSetting> settings =
            speed_settings_for(version("10.34.0"), MachineFacts{8, true, true, true}, true);
        CHECK(find(settings, "optimisticRepeatInstall")->judged_by == JudgedBy::repeat);
        CHECK(find(settings, "sideEffectsCache")->judged_by == JudgedBy::warm);
        CHECK(find(settings, "linkWorkspacePackages")->judged_by == JudgedBy::cold);
        CHECK(find(settings, "nodeLinker")->judged_by == JudgedBy::warm);
    }

    SUBCASE("nodeLinker only with layout, marked and warned about") {
        for (const char* text : {"9.15.0", "12.21.0"}) {
            CAPTURE(text);
            CHECK(find(speed_settings_for(version(text), facts, false), "nodeLinker") == nullptr);
            std::vector<SpeedSetting> with = speed_settings_for(version(text), facts, true);
            const SpeedSetting* linker = find(with, "nodeLinker");
            REQUIRE(linker != nullptr);
            CHECK(linker->value == "hoisted");
            CHECK(linker->changes_layout);
            CHECK(linker->warning.find("layout") != std::string::npos);
            for (const SpeedSetting& s : with) {
                CAPTURE(s.key);
                CHECK(s.changes_layout == (s.key == "nodeLinker"));
                CHECK(s.warning.empty() == !s.changes_layout);
            }
        }
    }

    SUBCASE("the settings of 9.15 and 12.21, in order") {
        CHECK(keys_of(speed_settings_for(version("9.15.0"), facts, false)) ==
              std::vector<std::string>{"sideEffectsCache"});
        CHECK(keys_of(speed_settings_for(version("12.21.0"), MachineFacts{8, true, true, true},
                                         true)) ==
              std::vector<std::string>{"sideEffectsCache", "optimisticRepeatInstall",
                                       "linkWorkspacePackages", "preferWorkspacePackages",
                                       "nodeLinker"});
    }
}

TEST_CASE("pnpm::user_settings_for proposes the machine's concurrency, never below pnpm's") {
    SUBCASE("networkConcurrency only before 10.24, 3 per core within 16..64") {
        std::vector<SpeedSetting> v9 = user_settings_for(version("9.15.0"), MachineFacts{8});
        const SpeedSetting* network = find(v9, "networkConcurrency");
        REQUIRE(network != nullptr);
        CHECK(network->value == "24");
        CHECK(network->pnpm_default == std::optional<std::string>("16"));
        CHECK(network->judged_by == JudgedBy::cold);
        CHECK(find(user_settings_for(version("10.23.9"), MachineFacts{8}), "networkConcurrency") !=
              nullptr);
        CHECK(find(user_settings_for(version("10.24.0"), MachineFacts{8}), "networkConcurrency") ==
              nullptr);
        // 3 x 4 cores is 12, below pnpm's 16: not proposed at all.
        CHECK(find(user_settings_for(version("9.15.0"), MachineFacts{4}), "networkConcurrency") ==
              nullptr);
    }
    SUBCASE("childConcurrency one per core, only above pnpm's 5") {
        std::vector<SpeedSetting> v12 = user_settings_for(version("12.21.0"), MachineFacts{16});
        const SpeedSetting* child = find(v12, "childConcurrency");
        REQUIRE(child != nullptr);
        CHECK(child->value == "16");
        CHECK(child->pnpm_default == std::optional<std::string>("5"));
        for (int cores : {1, 2, 5}) {
            CAPTURE(cores);
            CHECK(find(user_settings_for(version("12.21.0"), MachineFacts{cores}),
                       "childConcurrency") == nullptr);
        }
    }
}

TEST_CASE("pnpm::user_config_file is the file pnpm itself names for its version") {
    // Checked against `pnpm config get globalconfig` of pnpm 10 and 12 in the CLI tests.
    CHECK_FALSE(user_config_is_yaml(version("9.15.0")));
    CHECK_FALSE(user_config_is_yaml(version("10.34.0")));
    CHECK(user_config_is_yaml(version("12.21.0")));
    CHECK(user_config_file(version("10.34.0")).filename() == "rc");
    CHECK(user_config_file(version("12.21.0")).filename() == "config.yaml");
    CHECK(user_config_file(version("12.21.0")).parent_path().filename() == "pnpm");
}
