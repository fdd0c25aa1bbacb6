#include "farm/core/paths.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>

namespace fs = std::filesystem;
using namespace farm::core;

namespace {

void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "{}";
}

} // namespace

TEST_CASE("core::find_project_root") {
    fs::path base = fs::current_path() / "roots";
    SUBCASE("the nearest package.json below a repository root") {
        fs::create_directories(base / "repo" / ".git");
        touch(base / "repo" / "app" / "package.json");
        fs::create_directories(base / "repo" / "app" / "src");
        CHECK(find_project_root(base / "repo" / "app" / "src") == base / "repo" / "app");
    }
    SUBCASE("a package inside a pnpm workspace belongs to the workspace root") {
        touch(base / "ws" / "pnpm-workspace.yaml");
        touch(base / "ws" / "package.json");
        touch(base / "ws" / "packages" / "web" / "package.json");
        CHECK(find_project_root(base / "ws" / "packages" / "web") == base / "ws");
    }
    SUBCASE("a repository without package.json") {
        fs::create_directories(base / "plain" / ".git");
        fs::create_directories(base / "plain" / "deep" / "er");
        CHECK(find_project_root(base / "plain" / "deep" / "er") == base / "plain");
    }
}

TEST_CASE("core::resolve_db_path precedence") {
    fs::path root = "/project";
    unsetenv("FARM_DB");
    CHECK(resolve_db_path(std::nullopt, root) == root / ".farm" / "perf.db");
    setenv("FARM_DB", "/tmp/env.db", 1);
    CHECK(resolve_db_path(std::nullopt, root) == fs::path("/tmp/env.db"));
    CHECK(resolve_db_path(std::string("/tmp/flag.db"), root) == fs::path("/tmp/flag.db"));
    unsetenv("FARM_DB");
}
