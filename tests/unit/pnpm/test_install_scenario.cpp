#include "farm/pnpm/install_scenario.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

// A workspace as load_project would describe it; plan_install touches no file.
Project workspace(bool with_lockfile) {
    Project project;
    project.root = "/home/dev/shop";
    project.is_workspace = true;
    project.root_package.name = "shop";
    project.root_package.dir = project.root;
    for (const char* name : {"api", "ui", "web"}) {
        Package p;
        p.name = name;
        p.dir = project.root / "packages" / name;
        project.packages.push_back(p);
    }
    if (with_lockfile) {
        project.lockfile = project.root / "pnpm-lock.yaml";
    }
    return project;
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

std::ptrdiff_t index_of(const std::vector<std::string>& argv, const std::string& arg) {
    return std::find(argv.begin(), argv.end(), arg) - argv.begin();
}

bool starts_with_any(const std::vector<std::string>& argv, const std::string& prefix) {
    return std::any_of(argv.begin(), argv.end(),
                       [&](const std::string& a) { return a.starts_with(prefix); });
}

bool is_under(const fs::path& path, const fs::path& folder) {
    fs::path relative = path.lexically_normal().lexically_relative(folder.lexically_normal());
    return !relative.empty() && *relative.begin() != "..";
}

const fs::path scratch = "/tmp/farm-scratch-1234";

const std::vector<fs::path> all_node_modules = {
    "/home/dev/shop/node_modules", "/home/dev/shop/packages/api/node_modules",
    "/home/dev/shop/packages/ui/node_modules", "/home/dev/shop/packages/web/node_modules"};

} // namespace

TEST_CASE("pnpm::parse_install_scenario and to_string") {
    for (InstallScenario s :
         {InstallScenario::warm, InstallScenario::cold, InstallScenario::noop,
          InstallScenario::none, InstallScenario::prod, InstallScenario::offline}) {
        CHECK(parse_install_scenario(to_string(s)) == s);
    }
    CHECK(std::string(to_string(InstallScenario::warm)) == "warm");
    CHECK_FALSE(parse_install_scenario("hot").has_value());
    CHECK_FALSE(parse_install_scenario("").has_value());
    CHECK_FALSE(parse_install_scenario("Warm").has_value());
}

TEST_CASE("pnpm::plan_install warm") {
    SUBCASE("with a lockfile") {
        InstallStep step =
            plan_install(workspace(true), "/opt/pnpm", InstallScenario::warm, scratch);
        REQUIRE(step.argv.size() >= 3);
        CHECK(step.argv[0] == "/opt/pnpm");
        // The reporter flag goes before the command name: pnpm 12 passes flags after it on.
        CHECK(has(step.argv, "--reporter=ndjson"));
        CHECK(has(step.argv, "install"));
        CHECK(index_of(step.argv, "--reporter=ndjson") < index_of(step.argv, "install"));
        CHECK(has(step.argv, "--frozen-lockfile"));
        CHECK(has(step.argv, "--prefer-offline"));
        CHECK_FALSE(starts_with_any(step.argv, "--store-dir"));
        CHECK_FALSE(starts_with_any(step.argv, "--cache-dir"));
        CHECK(step.reset_before_each == all_node_modules);
        CHECK(step.needs_priming);
    }
    SUBCASE("without a lockfile every run resolves: the lockfile pnpm wrote goes too") {
        InstallStep step = plan_install(workspace(false), "pnpm", InstallScenario::warm, scratch);
        CHECK(has(step.argv, "install"));
        CHECK_FALSE(has(step.argv, "--frozen-lockfile"));
        CHECK_FALSE(has(step.argv, "--prefer-offline"));
        std::vector<fs::path> expected = all_node_modules;
        expected.push_back("/home/dev/shop/pnpm-lock.yaml");
        CHECK(step.reset_before_each == expected);
        CHECK(step.resolves_each_run);
        CHECK(step.needs_priming);
    }
    SUBCASE("the priming install is the timed one, and node_modules stays a plain install") {
        InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::warm, scratch);
        CHECK(step.priming_argv == step.argv);
        CHECK_FALSE(step.resolves_each_run);
        CHECK_FALSE(step.reinstall_after);
    }
    SUBCASE("a single-package project resets only its own node_modules") {
        Project project = workspace(true);
        project.packages.clear();
        project.is_workspace = false;
        InstallStep step = plan_install(project, "pnpm", InstallScenario::warm, scratch);
        CHECK(step.reset_before_each == std::vector<fs::path>{"/home/dev/shop/node_modules"});
    }
}

TEST_CASE("pnpm::plan_install cold") {
    InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::cold, scratch);
    CHECK(index_of(step.argv, "--reporter=ndjson") < index_of(step.argv, "install"));
    CHECK(has(step.argv, "--frozen-lockfile"));
    CHECK_FALSE(has(step.argv, "--prefer-offline")); // a full download from the registry
    CHECK_FALSE(step.needs_priming);
    // node_modules is linked to the scratch store: a plain install replaces it afterwards.
    CHECK(step.reinstall_after);
    CHECK(plain_install_argv(workspace(true), "pnpm") ==
          pnpm_command("pnpm",
                       {"--reporter=ndjson", "install", "--frozen-lockfile", "--prefer-offline"}));

    std::string store, cache;
    for (const std::string& a : step.argv) {
        if (a.starts_with("--store-dir=")) {
            store = a.substr(std::string("--store-dir=").size());
        }
        if (a.starts_with("--cache-dir=")) {
            cache = a.substr(std::string("--cache-dir=").size());
        }
    }
    REQUIRE_FALSE(store.empty());
    REQUIRE_FALSE(cache.empty());
    CHECK(is_under(store, scratch));
    CHECK(is_under(cache, scratch));
    CHECK(store != cache);
    // Both are emptied before each run, with every node_modules.
    CHECK(std::count(step.reset_before_each.begin(), step.reset_before_each.end(),
                     fs::path(store)) == 1);
    CHECK(std::count(step.reset_before_each.begin(), step.reset_before_each.end(),
                     fs::path(cache)) == 1);
    for (const fs::path& nm : all_node_modules) {
        CHECK(std::count(step.reset_before_each.begin(), step.reset_before_each.end(), nm) == 1);
    }
    CHECK(step.reset_before_each.size() == all_node_modules.size() + 2);
    // Nothing outside the project's node_modules and the scratch folder is ever removed.
    for (const fs::path& p : step.reset_before_each) {
        CHECK((is_under(p, scratch) || p.filename() == "node_modules"));
    }

    SUBCASE("without a lockfile") {
        InstallStep no_lock =
            plan_install(workspace(false), "pnpm", InstallScenario::cold, scratch);
        CHECK_FALSE(has(no_lock.argv, "--frozen-lockfile"));
        CHECK(starts_with_any(no_lock.argv, "--store-dir="));
        CHECK(no_lock.resolves_each_run);
        CHECK(std::count(no_lock.reset_before_each.begin(), no_lock.reset_before_each.end(),
                         fs::path("/home/dev/shop/pnpm-lock.yaml")) == 1);
    }
}

TEST_CASE("pnpm::plan_install noop") {
    InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::noop, scratch);
    CHECK(index_of(step.argv, "--reporter=ndjson") < index_of(step.argv, "install"));
    CHECK(has(step.argv, "--frozen-lockfile"));
    CHECK(step.reset_before_each.empty()); // node_modules kept: nothing to do
    CHECK(step.needs_priming);
    CHECK_FALSE(starts_with_any(step.argv, "--store-dir"));

    InstallStep no_lock = plan_install(workspace(false), "pnpm", InstallScenario::noop, scratch);
    CHECK_FALSE(has(no_lock.argv, "--frozen-lockfile"));
    CHECK(no_lock.reset_before_each.empty());
}

TEST_CASE("pnpm::plan_install none") {
    InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::none, scratch);
    CHECK(step.argv.empty());
    CHECK(step.reset_before_each.empty());
    CHECK_FALSE(step.needs_priming);
}

TEST_CASE("pnpm::plan_install prod and offline") {
    SUBCASE("prod: a warm install of the production dependencies, replaced afterwards") {
        InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::prod, scratch);
        CHECK(index_of(step.argv, "--reporter=ndjson") < index_of(step.argv, "install"));
        CHECK(has(step.argv, "--frozen-lockfile"));
        CHECK(has(step.argv, "--prod"));
        CHECK(has(step.argv, "--prefer-offline"));
        CHECK(step.reset_before_each == all_node_modules);
        CHECK(step.needs_priming);
        CHECK(step.priming_argv == step.argv);
        CHECK(step.reinstall_after); // a plain install wants the devDependencies too
    }
    SUBCASE("offline: never the registry, but the priming install may fill the store") {
        InstallStep step = plan_install(workspace(true), "pnpm", InstallScenario::offline, scratch);
        CHECK(has(step.argv, "--offline"));
        CHECK_FALSE(has(step.argv, "--prefer-offline"));
        CHECK(has(step.argv, "--frozen-lockfile"));
        CHECK(step.reset_before_each == all_node_modules);
        CHECK(step.needs_priming);
        CHECK_FALSE(has(step.priming_argv, "--offline"));
        CHECK(has(step.priming_argv, "--prefer-offline"));
        CHECK_FALSE(step.reinstall_after);
        CHECK_FALSE(starts_with_any(step.argv, "--store-dir"));
    }
    SUBCASE("their names") {
        CHECK(parse_install_scenario("prod") == InstallScenario::prod);
        CHECK(parse_install_scenario("offline") == InstallScenario::offline);
        CHECK(install_scenario_names() ==
              std::vector<std::string>{"warm", "cold", "prod", "offline", "noop", "none"});
    }
}
