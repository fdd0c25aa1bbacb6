#include "farm/pnpm/store_settings.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

// An environment of the test's own, read as getenv reads the process's.
struct FakeEnvironment {
    std::map<std::string, std::string> values;
    EnvironmentReader reader() const {
        return [this](const char* name) -> const char* {
            auto it = values.find(name);
            return it == values.end() ? nullptr : it->second.c_str();
        };
    }
};

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("pnpm::named_stores: the environment, pnpm-workspace.yaml and .npmrc") {
    fs::path root = farm::test::fresh_folder("store_settings", "named");
    FakeEnvironment env;
    CHECK(named_stores(root, env.reader()).empty());

    env.values["npm_config_store_dir"] = "/ci/store";
    env.values["pnpm_config_store_dir"] = "/ci/pnpm-store"; // pnpm 11's name
    farm::test::write_file(root / "pnpm-workspace.yaml",
                           "packages:\n  - 'packages/*'\nstoreDir: ../shared-store\n");
    farm::test::write_file(root / ".npmrc", "registry=https://registry.npmjs.org/\n"
                                            "store-dir=~/.pnpm-store # the team's\n");
    CHECK(named_stores(root, env.reader()) ==
          Names{"/ci/pnpm-store", "/ci/store", "../shared-store", "~/.pnpm-store"});

    // In a sub-package: the workspace's settings and both folders' .npmrc.
    fs::path package = root / "packages" / "web";
    farm::test::write_file(package / ".npmrc", "store-dir=/web/store\n");
    env.values.clear();
    CHECK(named_stores(package, env.reader()) ==
          Names{"../shared-store", "/web/store", "~/.pnpm-store"});
}

TEST_CASE("pnpm::named_stores: pnpm 12's include: hands storeDir to another file") {
    fs::path root = farm::test::fresh_folder("store_settings", "include");
    FakeEnvironment env;
    farm::test::write_file(root / "pnpm-workspace.yaml",
                           "include:\n  ./config/pnpm.yaml:\n    - storeDir\n");
    farm::test::write_file(root / "config" / "pnpm.yaml", "storeDir: /team/store\n");
    CHECK(named_stores(root, env.reader()) == Names{"/team/store"});

    // A config dependency owns it: only pnpm can read it, so the store is unknown ("").
    farm::test::write_file(root / "pnpm-workspace.yaml",
                           "include:\n  '@acme/pnpm':\n    - storeDir\n");
    CHECK(named_stores(root, env.reader()) == Names{""});
}

TEST_CASE("pnpm::named_stores: a settings file that does not parse is an unknown store") {
    fs::path root = farm::test::fresh_folder("store_settings", "broken");
    FakeEnvironment env;
    farm::test::write_file(root / "pnpm-workspace.yaml", "packages: [unclosed\n");
    CHECK(named_stores(root, env.reader()) == Names{""});
}

TEST_CASE("pnpm::resolve_store_setting: as pnpm resolves a store folder") {
    FakeEnvironment env;
    env.values["HOME"] = "/home/me";
    fs::path root = "/src/app";
    CHECK(resolve_store_setting("/ci/store/", root, env.reader()) == fs::path("/ci/store/"));
    CHECK(resolve_store_setting("../store", root, env.reader()) == fs::path("/src/store"));
    CHECK(resolve_store_setting(".pnpm-store", root, env.reader()) ==
          fs::path("/src/app/.pnpm-store"));
    CHECK(resolve_store_setting("~/.pnpm-store", root, env.reader()) ==
          fs::path("/home/me/.pnpm-store"));
    CHECK_FALSE(resolve_store_setting("${HOME}/store", root, env.reader()));
    CHECK_FALSE(resolve_store_setting("", root, env.reader()));
    env.values.clear();
    CHECK_FALSE(resolve_store_setting("~/.pnpm-store", root, env.reader())); // no HOME
}

TEST_CASE("pnpm::named_stores: the user's ~/.npmrc too") {
    fs::path root = farm::test::fresh_folder("store_settings", "home");
    fs::path home = root / "home";
    fs::path project = root / "project";
    farm::test::write_file(project / "package.json", "{}\n");
    FakeEnvironment env;
    env.values["HOME"] = home.string();
    CHECK(named_stores(project, env.reader()).empty()); // no ~/.npmrc
    farm::test::write_file(home / ".npmrc", "store-dir=/mnt/fast/pnpm-store\n");
    CHECK(named_stores(project, env.reader()) == Names{"/mnt/fast/pnpm-store"});
}
