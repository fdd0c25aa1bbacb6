// The rules of pnpm::plan_config, one case each: defaults, the project's own values, the files
// of each version, --migrate, refusals, --layout (the fixture corpus is in test_config_plan.cpp).
#include "farm/pnpm/config_plan.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/workspace_yaml.hpp"
#include "support/files.hpp"
#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <string>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

using farm::test::version;

std::string usage_error(const std::function<void()>& action) {
    try {
        action();
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL("no farm::UsageError was thrown");
    return "";
}

fs::path project(const std::string& name) {
    fs::path root = farm::test::fresh_folder("config_plan_rules", name);
    farm::test::write_file(root / "package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
    return root;
}

const PlannedFile* file_of(const ConfigPlan& plan, SettingsFile which) {
    for (const PlannedFile& f : plan.files) {
        if (f.which == which) {
            return &f;
        }
    }
    return nullptr;
}

const SettingChange* change_of(const ConfigPlan& plan, const std::string& key) {
    const SettingChange* last = nullptr;
    for (const SettingChange& c : plan.changes) {
        if (c.key == key) {
            last = &c;
        }
    }
    return last;
}

bool has_note(const ConfigPlan& plan, const std::string& part) {
    return std::any_of(plan.notes.begin(), plan.notes.end(),
                       [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

std::string read(const fs::path& path) {
    return farm::core::read_text_file(path);
}

} // namespace

TEST_CASE("pnpm::plan_config writes nothing that is already pnpm's default") {
    PlanOptions options;
    options.facts = {16, false};
    ConfigPlan empty = plan_config(project("defaults-empty"), version("9.15.0"), options);
    // sideEffectsCache is pnpm 9's default; concurrency is the machine's, not the project's.
    CHECK(empty.changes.empty());
    CHECK(empty.files.empty());
    CHECK_FALSE(empty.has_changes());
    // preferOffline is advised as a flag for CI, never written.
    CHECK(has_note(empty, "pnpm install --frozen-lockfile --prefer-offline"));
}

TEST_CASE("pnpm::plan_config keeps every value the project set, and reports it") {
    fs::path root = project("explicit");
    std::string before = "prefer-offline=false\nside-effects-cache=false\nchild-concurrency=2\n";
    farm::test::write_file(root / ".npmrc", before);
    PlanOptions options;
    options.facts = {16, false};
    ConfigPlan plan = plan_config(root, version("9.15.0"), options);
    CHECK(plan.changes.empty());
    CHECK(plan.files.empty());
    REQUIRE(plan.kept.size() == 2);
    CHECK(plan.kept[0].find("side-effects-cache false, set by the project") != std::string::npos);
    CHECK(plan.kept[0].find("--force sideEffectsCache") != std::string::npos);
    CHECK(plan.kept[1] == "prefer-offline false, set by the project in .npmrc");
    CHECK_FALSE(has_note(plan, "prefer-offline")); // the project's choice: no advice against it

    SUBCASE("--force KEY replaces it, in either spelling") {
        for (const char* key : {"sideEffectsCache", "side-effects-cache"}) {
            options.force = {key};
            ConfigPlan forced = plan_config(root, version("9.15.0"), options);
            const SettingChange* change = change_of(forced, "side-effects-cache");
            REQUIRE(change != nullptr);
            CHECK(change->old_value == std::optional<std::string>("false"));
            CHECK(change->new_value == "true");
            REQUIRE(forced.files.size() == 1);
            CHECK(forced.files[0].after ==
                  "prefer-offline=false\nside-effects-cache=true\nchild-concurrency=2\n");
        }
    }
}

TEST_CASE("pnpm::plan_config on pnpm 11 and 12 leaves .npmrc settings alone and says why") {
    for (const char* v : {"11.0.0", "12.21.0"}) {
        CAPTURE(v);
        fs::path root = project(std::string("ignored-") + v);
        std::string npmrc = "registry=https://registry.npmjs.org/\nprefer-offline=false\n"
                            "save-exact=true\n";
        farm::test::write_file(root / ".npmrc", npmrc);
        ConfigPlan plan = plan_config(root, version(v), PlanOptions{{4, false}, false, false, {}});
        CHECK(file_of(plan, SettingsFile::npmrc) == nullptr);
        CHECK(has_note(plan, ".npmrc line 2: prefer-offline is ignored by pnpm " + std::string(v)));
        CHECK(has_note(plan, "save-exact is ignored"));
        CHECK_FALSE(has_note(plan, "registry is ignored"));
        // pnpm does not read prefer-offline=false from .npmrc: not the project's choice, so
        // the advice about the flag is given.
        CHECK(has_note(plan, "--prefer-offline"));
        CHECK(plan.kept.empty());
        CHECK(read(root / ".npmrc") == npmrc);
    }
}

TEST_CASE("pnpm::plan_config on pnpm 10.6+ notes a key set in both files") {
    fs::path root = project("both-files");
    farm::test::write_file(root / ".npmrc", "prefer-offline=true\nchild-concurrency=2\n");
    farm::test::write_file(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n"
                                                         "preferOffline: true\n");
    ConfigPlan plan =
        plan_config(root, version("10.34.0"), PlanOptions{{4, true}, false, false, {}});
    CHECK(has_note(plan, "prefer-offline is set in both .npmrc (line 1) and pnpm-workspace.yaml"));
    CHECK_FALSE(has_note(plan, "child-concurrency is set in both"));
    // Concurrency is the machine's business: never planned for the project's files.
    CHECK(change_of(plan, "childConcurrency") == nullptr);
    CHECK(file_of(plan, SettingsFile::npmrc) == nullptr);
}

TEST_CASE("pnpm::plan_config --migrate moves settings to the YAML and leaves auth in place") {
    fs::path root = project("migrate");
    std::string npmrc = "; company settings\r\n"
                        "registry=https://registry.npmjs.org/\r\n"
                        "@acme:registry=https://npm.pkg.github.com/\r\n"
                        "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\r\n"
                        "https-proxy=http://proxy.example.com:3128/\r\n"
                        "save-exact=true\r\n"
                        "public-hoist-pattern[]=*eslint*\r\n"
                        "node-options=${NODE_OPTIONS}\r\n"
                        "auto-install-peers=false\r\n"
                        "strict-peer-dependencies=false\r\n";
    farm::test::write_file(root / ".npmrc", npmrc);
    std::string yaml = "packages:\n  - apps/*\nstrictPeerDependencies: true # on purpose\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    PlanOptions options{{8, true}, false, true, {}};
    ConfigPlan plan = plan_config(root, version("12.21.0"), options);

    const PlannedFile* rc = file_of(plan, SettingsFile::npmrc);
    REQUIRE(rc != nullptr);
    CHECK(rc->after == "; company settings\r\n"
                       "registry=https://registry.npmjs.org/\r\n"
                       "@acme:registry=https://npm.pkg.github.com/\r\n"
                       "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\r\n"
                       "https-proxy=http://proxy.example.com:3128/\r\n"
                       "public-hoist-pattern[]=*eslint*\r\n"
                       "node-options=${NODE_OPTIONS}\r\n");
    CHECK(has_note(plan, ".npmrc line 7 (public-hoist-pattern[]) is left in place"));
    CHECK(has_note(plan, ".npmrc line 8 (node-options) is left in place"));

    const PlannedFile* ws = file_of(plan, SettingsFile::workspace_yaml);
    REQUIRE(ws != nullptr);
    WorkspaceYaml parsed = WorkspaceYaml::parse(ws->after, "pnpm-workspace.yaml");
    CHECK(parsed.get("saveExact") == std::optional<std::string>("true"));
    CHECK(parsed.get("autoInstallPeers") == std::optional<std::string>("false"));
    // Already in the YAML: kept there as it is, only removed from .npmrc.
    CHECK(parsed.get("strictPeerDependencies") == std::optional<std::string>("true"));
    CHECK(ws->after.starts_with(yaml));
    CHECK(ws->after.find("registry") == std::string::npos);
    CHECK(ws->after.find("Token") == std::string::npos);
    CHECK(ws->after.find("proxy") == std::string::npos);
    const SettingChange* strict = change_of(plan, "strictPeerDependencies");
    REQUIRE(strict != nullptr);
    CHECK(strict->migrated);
    CHECK(strict->new_value == "true");
    CHECK(strict->why.find("already in pnpm-workspace.yaml") != std::string::npos);
    const SettingChange* exact = change_of(plan, "saveExact");
    REQUIRE(exact != nullptr);
    CHECK(exact->migrated);
    CHECK(exact->file == SettingsFile::workspace_yaml);
}

TEST_CASE("pnpm::plan_config refuses --migrate before pnpm 10.6") {
    fs::path root = project("migrate-old");
    farm::test::write_file(root / ".npmrc", "save-exact=true\n");
    for (const char* v : {"9.15.0", "10.5.0"}) {
        CAPTURE(v);
        std::string message = usage_error([&] {
            plan_config(root, version(v), PlanOptions{{4, false}, false, true, {}});
        });
        CHECK(message.find("--migrate") != std::string::npos);
        CHECK(message.find(v) != std::string::npos);
    }
    CHECK_NOTHROW(plan_config(root, version("10.6.0"), PlanOptions{{4, false}, false, true, {}}));
}

TEST_CASE("pnpm::plan_config refuses an .npmrc it would rewrite and cannot read") {
    fs::path root = project("malformed");
    std::string npmrc = "prefer-offline=false\n# fine\nthis is not a setting\n";
    farm::test::write_file(root / ".npmrc", npmrc);
    std::string message = usage_error([&] {
        plan_config(root, version("9.15.0"), PlanOptions{{4, false}, false, false, {}});
    });
    CHECK(message.find((root / ".npmrc").string() + ":3:1:") != std::string::npos);
    CHECK(read(root / ".npmrc") == npmrc);
    // pnpm 12 does not read it, and farm does not edit it: no reason to refuse.
    CHECK_NOTHROW(plan_config(root, version("12.21.0"), PlanOptions{{4, false}, false, false, {}}));
}

TEST_CASE("pnpm::plan_config refuses a pnpm-workspace.yaml that does not parse") {
    fs::path root = project("bad-yaml");
    std::string yaml = "packages:\n  - apps/*\ncatalog: {react: ^18\npreferOffline: false\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    std::optional<ConfigPlan> plan;
    std::string message = usage_error([&] {
        plan = plan_config(root, version("12.21.0"), PlanOptions{{4, true}, false, false, {}});
    });
    CHECK_FALSE(plan.has_value());
    // FILE:LINE:COLUMN, the line being the one of the unclosed flow mapping or after it.
    std::smatch where;
    REQUIRE_MESSAGE(
        std::regex_search(message, where, std::regex(R"(pnpm-workspace\.yaml:(\d+):(\d+):)")),
        message);
    CHECK(std::stoi(where[1]) >= 3);
    CHECK(std::stoi(where[2]) >= 1);
    CHECK(read(root / "pnpm-workspace.yaml") == yaml);
}

TEST_CASE("pnpm::plan_config creates a settings-only YAML for a single-package project") {
    fs::path root = project("single");
    ConfigPlan plan =
        plan_config(root, version("10.34.0"), PlanOptions{{8, false}, false, false, {}});
    REQUIRE(plan.files.size() == 1);
    const PlannedFile& created = plan.files.front();
    CHECK(created.which == SettingsFile::workspace_yaml);
    CHECK(created.path == root / "pnpm-workspace.yaml");
    CHECK_FALSE(created.existed);
    CHECK(created.before.empty());
    CHECK(created.after.find("packages") == std::string::npos);
    WorkspaceYaml parsed = WorkspaceYaml::parse(created.after, "pnpm-workspace.yaml");
    CHECK(parsed.get("optimisticRepeatInstall") == std::optional<std::string>("true"));
    CHECK(parsed.get("preferOffline") == std::nullopt);
    CHECK(parsed.get("childConcurrency") == std::nullopt);
    // pnpm's defaults are not repeated.
    CHECK(parsed.get("sideEffectsCache") == std::nullopt);
    CHECK_FALSE(fs::exists(root / "pnpm-workspace.yaml"));
}

TEST_CASE("pnpm::plan_config adds nodeLinker only with layout, with its warning") {
    fs::path root = project("layout");
    ConfigPlan without =
        plan_config(root, version("12.21.0"), PlanOptions{{8, false}, false, false, {}});
    CHECK(change_of(without, "nodeLinker") == nullptr);
    ConfigPlan with =
        plan_config(root, version("12.21.0"), PlanOptions{{8, false}, true, false, {}});
    const SettingChange* linker = change_of(with, "nodeLinker");
    REQUIRE(linker != nullptr);
    CHECK(linker->new_value == "hoisted");
    CHECK(linker->changes_layout);
    CHECK_FALSE(linker->warning.empty());
    for (const SettingChange& c : with.changes) {
        CHECK(c.changes_layout == (c.key == "nodeLinker"));
    }
    ConfigPlan old = plan_config(root, version("9.15.0"), PlanOptions{{8, false}, true, false, {}});
    REQUIRE(change_of(old, "node-linker") != nullptr);
    CHECK(change_of(old, "node-linker")->changes_layout);
}

TEST_CASE("pnpm::plan_config on pnpm 9 notes the settings its YAML holds in vain") {
    fs::path root = project("yaml-on-9");
    std::string yaml = "packages:\n  - apps/*\nsideEffectsCache: false\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    ConfigPlan plan =
        plan_config(root, version("9.15.0"), PlanOptions{{8, true}, false, false, {}});
    CHECK(has_note(plan, "sideEffectsCache in pnpm-workspace.yaml is ignored by pnpm 9.15.0"));
    CHECK(file_of(plan, SettingsFile::workspace_yaml) == nullptr);
    // pnpm 9 does not read it: not the project's choice, and pnpm's default is already true.
    CHECK(plan.kept.empty());
}
