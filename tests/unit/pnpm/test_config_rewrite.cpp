#include "farm/pnpm/config_rewrite.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "support/files.hpp"
#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

using farm::test::version;

fs::path project(const std::string& name) {
    fs::path root = farm::test::fresh_folder("config_rewrite", name);
    fs::remove_all(root.parent_path() / (name + "-backups")); // from an earlier subcase
    farm::test::write_file(root / "package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
    return root;
}

std::string read(const fs::path& path) {
    return farm::core::read_text_file(path);
}

// Every file of a folder with its bytes: a restore must give back exactly this.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
        files[e.path().filename().string()] = read(e.path());
    }
    return files;
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
        names.insert(e.path().filename().string());
    }
    return names;
}

mode_t mode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

// The values a pnpm that reads the planned files would answer.
std::map<std::string, std::string> planned_values(const ConfigPlan& plan) {
    std::map<std::string, std::string> values;
    for (const SettingChange& c : plan.changes) {
        values[c.key] = c.new_value;
    }
    return values;
}

const std::string npmrc_9 = "# team settings\n"
                            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
                            "side-effects-cache=false\n";

// The project's own value is kept unless forced: these plans force the one setting to change.
PlanOptions forced() {
    PlanOptions options{{8, false}, false, false, {"sideEffectsCache"}};
    return options;
}

// Backups go to a folder of their own, never beside the file (here: beside the project).
fs::path backups_of(const fs::path& root) {
    return root.parent_path() / (root.filename().string() + "-backups");
}

const std::string npmrc_10 = "registry=https://registry.npmjs.org/\n"
                             "save-exact=true\n";

// A pnpm 10.34 project whose plan edits .npmrc (--migrate) and creates pnpm-workspace.yaml with
// two settings pnpm can confirm (optimisticRepeatInstall, and the forced sideEffectsCache).
ConfigPlan migrate_plan(const fs::path& root) {
    farm::test::write_file(root / ".npmrc", npmrc_10);
    PlanOptions options{{8, false}, false, true, {"sideEffectsCache"}};
    farm::test::write_file(root / "pnpm-workspace.yaml", "sideEffectsCache: false\n");
    return plan_config(root, version("10.34.0"), options);
}

} // namespace

TEST_CASE("pnpm::write_plan keeps the old files in the backup folder, with a timestamp") {
    fs::path root = project("backups");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    REQUIRE(plan.files.size() == 1);
    RewriteResult result = write_plan(plan, backups_of(root), {});
    CHECK(read(root / ".npmrc") == plan.files[0].after);
    REQUIRE(result.backups.size() == 1);
    CHECK(result.backups[0].parent_path() == backups_of(root));
    CHECK(result.backups[0].filename().string().starts_with(".npmrc.20"));
    CHECK(read(result.backups[0]) == npmrc_9);
    // Never committed: the folder ignores itself.
    CHECK(read(backups_of(root) / ".gitignore") == "*\n");
    CHECK(result.verified_by_pnpm.empty());
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0].find("parsing the files back only") != std::string::npos);
    // Nothing beside the file.
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});

    // A second write in the same second gets a name of its own; the first backup stays.
    std::string second = "side-effects-cache=false\nsave-exact=true\n";
    farm::test::write_file(root / ".npmrc", second);
    ConfigPlan again = plan_config(root, version("9.15.0"), forced());
    REQUIRE(again.has_changes());
    RewriteResult result2 = write_plan(again, backups_of(root), {});
    REQUIRE(result2.backups.size() == 1);
    CHECK(result2.backups[0] != result.backups[0]);
    CHECK(read(result.backups[0]) == npmrc_9);
    CHECK(read(result2.backups[0]) == second);
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});
}

TEST_CASE("pnpm::write_plan without backup keeps no copy") {
    fs::path root = project("no-backup");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    RewriteResult result = write_plan(plan, fs::path(), {});
    CHECK(result.backups.empty());
    CHECK_FALSE(fs::exists(backups_of(root)));
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});
    CHECK(read(root / ".npmrc") == plan.files[0].after);
}

TEST_CASE("pnpm::write_plan keeps the file's permissions") {
    fs::path root = project("mode");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    REQUIRE(chmod((root / ".npmrc").c_str(), 0640) == 0);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    write_plan(plan, backups_of(root), {});
    CHECK(mode_of(root / ".npmrc") == 0640);
    CHECK(read(root / ".npmrc") == plan.files[0].after);
    // The backup holds a token reference: it is no more readable than the original.
    REQUIRE(names_in(backups_of(root)).size() == 2);
    for (const std::string& name : names_in(backups_of(root))) {
        if (name != ".gitignore") {
            CHECK(mode_of(backups_of(root) / name) == 0640);
        }
    }
}

TEST_CASE("pnpm::write_plan refuses a read-only file and leaves nothing behind") {
    fs::path root = project("read-only");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    REQUIRE(chmod((root / ".npmrc").c_str(), 0444) == 0);
    std::map<std::string, std::string> before = snapshot(root);
    CHECK_THROWS_AS(write_plan(plan, backups_of(root), {}), farm::UsageError);
    try {
        write_plan(plan, backups_of(root), {});
    } catch (const farm::UsageError& e) {
        CHECK(std::string(e.what()).find("read-only") != std::string::npos);
    }
    CHECK(snapshot(root) == before);
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});
    CHECK(mode_of(root / ".npmrc") == 0444);
    chmod((root / ".npmrc").c_str(), 0644);
}

TEST_CASE("pnpm::write_plan refuses a file changed since planning") {
    fs::path root = project("changed");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    std::string edited = npmrc_9 + "save-exact=true\n";
    farm::test::write_file(root / ".npmrc", edited);
    CHECK_THROWS_AS(write_plan(plan, backups_of(root), {}), farm::UsageError);
    CHECK(read(root / ".npmrc") == edited);
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});

    SUBCASE("a file created since planning counts too") {
        fs::path fresh = project("changed-created");
        ConfigPlan created =
            plan_config(fresh, version("10.34.0"), PlanOptions{{8, false}, false, false, {}});
        REQUIRE(created.has_changes());
        farm::test::write_file(fresh / "pnpm-workspace.yaml", "packages: []\n");
        CHECK_THROWS_AS(write_plan(created, backups_of(fresh), {}), farm::UsageError);
        CHECK(read(fresh / "pnpm-workspace.yaml") == "packages: []\n");
    }
}

TEST_CASE("pnpm::write_plan asks pnpm and lists what it confirmed") {
    fs::path root = project("verified");
    ConfigPlan plan = migrate_plan(root);
    REQUIRE(plan.files.size() == 2);
    std::map<std::string, std::string> values = planned_values(plan);
    std::vector<std::string> asked;
    SettingReader reader = [&](const std::string& key) -> std::optional<std::string> {
        asked.push_back(key);
        // The files on disk already hold the new values when pnpm is asked.
        CHECK(read(root / "pnpm-workspace.yaml").find(key + ":") != std::string::npos);
        return values.at(key);
    };
    RewriteResult result = write_plan(plan, backups_of(root), reader);
    std::vector<std::string> expected;
    for (const SettingChange& c : plan.changes) {
        if (!c.migrated && !c.new_value.empty()) {
            expected.push_back(c.key);
        }
    }
    CHECK_FALSE(expected.empty());
    CHECK(result.verified_by_pnpm == expected);
    CHECK(asked == expected);
    CHECK(result.notes.empty());
    CHECK(read(root / ".npmrc") == "registry=https://registry.npmjs.org/\n");
    REQUIRE(result.backups.size() == 2);
    CHECK(read(result.backups[0]) == npmrc_10);
}

TEST_CASE("pnpm::write_plan says so when pnpm answers undefined") {
    fs::path root = project("undefined");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    RewriteResult result =
        write_plan(plan, backups_of(root),
                   [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
    CHECK(result.verified_by_pnpm.empty());
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0].find("`undefined`") != std::string::npos);
    CHECK(result.notes[0].find("side-effects-cache") != std::string::npos);
    CHECK(read(root / ".npmrc") == plan.files[0].after);
}

TEST_CASE("pnpm::write_plan restores every file when pnpm reads another value") {
    fs::path root = project("restore");
    ConfigPlan plan = migrate_plan(root);
    REQUIRE(plan.files.size() == 2);
    // An old backup stays; this run's backup is removed with the restore.
    farm::test::write_file(backups_of(root) / ".npmrc.2020-01-01T00-00-00Z", "an older backup\n");
    std::map<std::string, std::string> before = snapshot(root);
    std::set<std::string> backups_before = names_in(backups_of(root));

    auto check_restored = [&](const std::string& message) {
        CHECK(message.find("restored") != std::string::npos);
        CHECK(snapshot(root) == before);
        std::set<std::string> backups_after = names_in(backups_of(root));
        backups_after.erase(".gitignore");
        CHECK(backups_after == backups_before);
    };

    SUBCASE("a wrong value") {
        std::string message;
        try {
            write_plan(plan, backups_of(root),
                       [](const std::string&) -> std::optional<std::string> {
                           return std::string("false");
                       });
        } catch (const farm::Error& e) {
            message = e.what();
        }
        CHECK(message.find("pnpm reads") != std::string::npos);
        check_restored(message);
    }
    SUBCASE("pnpm fails") {
        std::string message;
        int calls = 0;
        try {
            write_plan(plan, backups_of(root),
                       [&](const std::string& key) -> std::optional<std::string> {
                           if (++calls == 2) {
                               throw farm::CommandError("`pnpm config get " + key + "` failed");
                           }
                           return planned_values(plan).at(key);
                       });
        } catch (const farm::Error& e) {
            message = e.what();
        }
        CHECK(calls == 2);
        CHECK(message.find("pnpm config get") != std::string::npos);
        check_restored(message);
    }
}

TEST_CASE("pnpm::write_plan restores an edited file with its permissions") {
    fs::path root = project("restore-mode");
    farm::test::write_file(root / ".npmrc", npmrc_9);
    REQUIRE(chmod((root / ".npmrc").c_str(), 0600) == 0);
    ConfigPlan plan = plan_config(root, version("9.15.0"), forced());
    CHECK_THROWS_AS(write_plan(plan, backups_of(root),
                               [](const std::string&) -> std::optional<std::string> {
                                   return std::string("nonsense");
                               }),
                    farm::Error);
    CHECK(read(root / ".npmrc") == npmrc_9);
    CHECK(mode_of(root / ".npmrc") == 0600);
    CHECK(names_in(root) == std::set<std::string>{".npmrc", "package.json"});
}

TEST_CASE("pnpm::write_plan of --migrate and a forced key checks the final value") {
    // side-effects-cache=false moves to the YAML and is then forced to true: two changes of one
    // key, and only the last one is what the file holds.
    fs::path root = project("migrate-and-speed");
    farm::test::write_file(root / ".npmrc", "registry=https://registry.npmjs.org/\n"
                                            "side-effects-cache=false\n");
    PlanOptions options{{8, false}, false, true, {"side-effects-cache"}};
    ConfigPlan plan = plan_config(root, version("10.34.0"), options);
    RewriteResult result = write_plan(plan, backups_of(root), [](const std::string&) {
        return std::optional<std::string>("true"); // both planned values are true
    });
    CHECK(std::find(result.verified_by_pnpm.begin(), result.verified_by_pnpm.end(),
                    "sideEffectsCache") != result.verified_by_pnpm.end());
    CHECK(read(root / ".npmrc") == "registry=https://registry.npmjs.org/\n");
    CHECK(read(root / "pnpm-workspace.yaml").find("sideEffectsCache: true") != std::string::npos);
}
