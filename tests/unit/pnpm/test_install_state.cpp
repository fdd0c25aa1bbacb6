#include "farm/pnpm/install_state.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

// .modules.yaml as pnpm 10 writes it (JSON), trimmed to what farm reads.
std::string modules_yaml(const std::string& store, bool dev = true) {
    return R"({"included": {"dependencies": true, "devDependencies": )" +
           std::string(dev ? "true" : "false") +
           R"(, "optionalDependencies": true}, "layoutVersion": 5, "storeDir": ")" + store +
           R"(", "virtualStoreDir": ".pnpm"})";
}

// A project whose node_modules was installed from `store` after its lockfile was written.
Project installed_project(const std::string& name, const std::string& store, bool dev = true) {
    fs::path root = farm::test::fresh_folder("install_state", name);
    farm::test::write_file(root / "package.json", R"({"name": "x"})");
    farm::test::write_file(root / "pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    farm::test::write_file(root / "node_modules" / ".modules.yaml", modules_yaml(store, dev));
    fs::last_write_time(root / "pnpm-lock.yaml",
                        fs::last_write_time(root / "node_modules" / ".modules.yaml") -
                            std::chrono::seconds(60));
    Project project;
    project.root = root;
    project.lockfile = root / "pnpm-lock.yaml";
    return project;
}

} // namespace

TEST_CASE("pnpm::parse_modules_yaml") {
    std::optional<InstalledState> state = parse_modules_yaml(modules_yaml("/home/u/store/v10"));
    REQUIRE(state);
    CHECK(state->installed);
    CHECK(state->store_dir == "/home/u/store/v10");
    CHECK(state->dependencies);
    CHECK(state->dev_dependencies);
    CHECK(state->optional_dependencies);
    // pnpm 8 wrote YAML proper.
    std::optional<InstalledState> yaml = parse_modules_yaml(
        "included:\n  dependencies: true\n  devDependencies: false\n  optionalDependencies: "
        "true\nstoreDir: /s/v3\n");
    REQUIRE(yaml);
    CHECK(yaml->store_dir == "/s/v3");
    CHECK_FALSE(yaml->dev_dependencies);
    CHECK_FALSE(parse_modules_yaml("{not yaml: [").has_value());
    CHECK_FALSE(parse_modules_yaml(R"({"layoutVersion": 5})").has_value()); // no storeDir
    CHECK_FALSE(parse_modules_yaml("").has_value());
}

TEST_CASE("pnpm::needs_priming: no priming when the store already holds the lockfile") {
    fs::path store = farm::test::fresh_folder("install_state", "store") / "v10";
    fs::create_directories(store);
    Project project = installed_project("installed", store.string());
    InstalledState state = read_installed_state(project);
    REQUIRE(state.installed);
    CHECK(state.lockfile_unchanged);
    CHECK_FALSE(needs_priming(state, project, InstallScenario::warm, store));
    CHECK_FALSE(needs_priming(state, project, InstallScenario::prod, store));
    CHECK_FALSE(needs_priming(state, project, InstallScenario::offline, store));
    CHECK_FALSE(needs_priming(state, project, InstallScenario::noop, store / "." / ""));

    SUBCASE("another store") {
        CHECK(needs_priming(state, project, InstallScenario::warm, "/elsewhere/store/v10"));
        CHECK(needs_priming(state, project, InstallScenario::warm, fs::path())); // unknown
    }
    SUBCASE("the lockfile changed after the install") {
        fs::last_write_time(*project.lockfile,
                            fs::last_write_time(project.root / "node_modules" / ".modules.yaml") +
                                std::chrono::seconds(60));
        InstalledState changed = read_installed_state(project);
        CHECK_FALSE(changed.lockfile_unchanged);
        CHECK(needs_priming(changed, project, InstallScenario::warm, store));
    }
    SUBCASE("no lockfile: nothing to compare with") {
        Project no_lock = project;
        no_lock.lockfile.reset();
        CHECK(needs_priming(read_installed_state(no_lock), no_lock, InstallScenario::warm, store));
    }
    SUBCASE("no node_modules") {
        fs::remove_all(project.root / "node_modules");
        InstalledState none = read_installed_state(project);
        CHECK_FALSE(none.installed);
        CHECK(needs_priming(none, project, InstallScenario::warm, store));
    }
}

TEST_CASE("pnpm::needs_priming: a production-only install primes a full one, not a prod one") {
    fs::path store = farm::test::fresh_folder("install_state", "prod-store") / "v10";
    fs::create_directories(store);
    Project project = installed_project("prod-only", store.string(), /*dev=*/false);
    InstalledState state = read_installed_state(project);
    CHECK(needs_priming(state, project, InstallScenario::warm, store));
    CHECK(needs_priming(state, project, InstallScenario::noop, store));
    CHECK_FALSE(needs_priming(state, project, InstallScenario::prod, store));
}

TEST_CASE("pnpm::recorded_store_if_current and store_in_folder: a store known without pnpm") {
    std::map<std::string, std::string> env = {{"HOME", "/home/me"}};
    EnvironmentReader get = [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    InstalledState state;
    state.installed = true;
    state.store_dir = "/ci/store/v10";
    fs::path root = "/src/app";
    // Nothing names a store and it is not pnpm's default: the last install was given it on its
    // command line (or by the global configuration), so pnpm must say which it uses now.
    CHECK_FALSE(recorded_store_if_current(state, {}, root, get));
    // Nothing names a store and the last install used the default one: pnpm's still.
    state.store_dir = "/home/me/.local/share/pnpm/store/v10";
    CHECK(recorded_store_if_current(state, {}, root, get) == state.store_dir);
    state.store_dir = "/ci/store/v10";
    // Every store named agrees, written in any way pnpm resolves.
    CHECK(recorded_store_if_current(state, {"/ci/store", "/ci/store/v10/", "../../ci/store"}, root,
                                    get) == fs::path("/ci/store/v10"));
    state.store_dir = "/home/me/.pnpm-store/v10";
    CHECK(recorded_store_if_current(state, {"~/.pnpm-store"}, root, get));
    // One names another store, or one farm cannot resolve: pnpm decides.
    CHECK_FALSE(recorded_store_if_current(state, {"~/.pnpm-store", "/ci/store"}, root, get));
    CHECK_FALSE(recorded_store_if_current(state, {"${STORE}"}, root, get));
    CHECK_FALSE(recorded_store_if_current(state, {""}, root, get));
    // No node_modules: nothing was recorded.
    CHECK_FALSE(recorded_store_if_current(InstalledState{}, {}, root, get));

    // pnpm's default stores: in its home (PNPM_HOME, XDG_DATA_HOME, ~/.local/share), or at the
    // root of the project's file system when the home cannot be hard-linked from there.
    CHECK(is_default_store("/home/me/.local/share/pnpm/store/v10", root, get));
    CHECK(is_default_store("/.pnpm-store/v10", root, get));
    CHECK(is_default_store("/src/.pnpm-store/v3", root, get));
    CHECK_FALSE(is_default_store("/elsewhere/.pnpm-store/v10", root, get));
    CHECK_FALSE(is_default_store("/home/me/.pnpm-store/v10", root, get));
    env["XDG_DATA_HOME"] = "/data";
    CHECK(is_default_store("/data/pnpm/store/v10", root, get));
    CHECK_FALSE(is_default_store("/home/me/.local/share/pnpm/store/v10", root, get));
    env["PNPM_HOME"] = "/opt/pnpm";
    CHECK(is_default_store("/opt/pnpm/store/v10", root, get));
    CHECK_FALSE(is_default_store("/data/pnpm/store/v10", root, get));

    // .modules.yaml records the versioned store inside the folder.
    CHECK(store_in_folder("/ci/store/v10", "/ci/store"));
    CHECK(store_in_folder("/ci/store/v3/", "/ci/store/"));
    CHECK(store_in_folder("/ci/store", "/ci/store"));
    CHECK_FALSE(store_in_folder("/ci/store/tmp", "/ci/store"));
    CHECK_FALSE(store_in_folder("/other/store/v10", "/ci/store"));
    CHECK_FALSE(store_in_folder("/ci/store/v10", ""));
}
