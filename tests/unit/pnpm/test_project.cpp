#include "farm/pnpm/project.hpp"

#include "farm/core/error.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace farm::pnpm;

namespace {

// Every test builds its project in its own folder under the runner's temporary folder.
fs::path fresh(const std::string& name) {
    return farm::test::fresh_folder("project", name);
}

void write(const fs::path& file, const std::string& text) {
    farm::test::write_file(file, text);
}

void write_package(const fs::path& dir, const std::string& name, bool has_build,
                   const std::vector<std::string>& deps = {}) {
    std::string text = "{\n  \"name\": \"" + name + "\",\n  \"version\": \"1.0.0\"";
    if (has_build) {
        text += ",\n  \"scripts\": {\"build\": \"node build.mjs\", \"test\": \"node test.mjs\"}";
    } else {
        text += ",\n  \"scripts\": {\"test\": \"node test.mjs\"}";
    }
    if (!deps.empty()) {
        text += ",\n  \"dependencies\": {";
        for (std::size_t i = 0; i < deps.size(); ++i) {
            text += (i ? ", \"" : "\"") + deps[i] + "\": \"workspace:*\"";
        }
        text += "}";
    }
    text += "\n}\n";
    write(dir / "package.json", text);
}

std::vector<std::string> names(const std::vector<const Package*>& packages) {
    std::vector<std::string> out;
    for (const Package* p : packages) {
        out.push_back(p->name);
    }
    return out;
}

std::vector<std::string> names(const std::vector<Package>& packages) {
    std::vector<std::string> out;
    for (const Package& p : packages) {
        out.push_back(p.name);
    }
    return out;
}

std::string usage_error_of(const fs::path& dir) {
    try {
        load_project(dir);
    } catch (const farm::UsageError& e) {
        return e.what();
    }
    FAIL("load_project did not throw farm::UsageError for " << dir);
    return {};
}

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("pnpm::load_project finds the workspace packages") {
    fs::path root = fresh("discovery");
    write_package(root, "root", true);
    write(root / "pnpm-workspace.yaml",
          "packages:\n  - 'packages/*'\n  - \"apps/**\"\n  - '!packages/skip'\n");
    write_package(root / "packages" / "a", "@x/a", true);
    write_package(root / "packages" / "b", "@x/b", false);
    write_package(root / "packages" / "skip", "@x/skip", true);
    fs::create_directories(root / "packages" / "no-manifest" / "src");
    write_package(root / "packages" / "a" / "nested", "@x/nested", true); // two levels deep
    write_package(root / "apps" / "web", "@x/web", true);
    write_package(root / "apps" / "group" / "admin", "@x/admin", true);
    // Folders named node_modules are never searched, even where a pattern would match.
    write_package(root / "apps" / "web" / "node_modules" / "dep", "dep", true);
    write_package(root / "apps" / "node_modules" / "other", "other", true);
    write_package(root / "node_modules" / "top", "top", true);
    write_package(root / "tools" / "script", "@x/tools", true); // no pattern selects it
    // A dangling link and a link back up the tree neither stop nor loop the search.
    fs::create_symlink(root / "does-not-exist", root / "packages" / "0-dangling");
    fs::create_directory_symlink(root / "apps", root / "apps" / "web" / "loop");

    Project project = load_project(root);
    CHECK(project.root == root);
    CHECK(project.is_workspace);
    CHECK(project.root_package.name == "root");
    CHECK(project.root_package.dir == root);
    // Sorted by folder: apps/group/admin, apps/web, packages/a, packages/b.
    CHECK(names(project.packages) == Names{"@x/admin", "@x/web", "@x/a", "@x/b"});
    for (const Package& p : project.packages) {
        CHECK(p.dir != root); // the root package is never one of the packages
        CHECK(p.dir.string().find("node_modules") == std::string::npos);
    }
    REQUIRE(project.packages.size() == 4);
    CHECK(project.packages[2].dir == root / "packages" / "a");
    CHECK(project.packages[2].has_script("build"));
    CHECK_FALSE(project.packages[3].has_script("build"));
    CHECK(project.packages[3].scripts.at("test") == "node test.mjs");
}

TEST_CASE("pnpm::load_project negations exclude whatever their place in the list") {
    // pnpm hands the patterns to fast-glob, where a "!" pattern excludes from every positive
    // pattern, before or after it.
    fs::path root = fresh("negation-first");
    write_package(root, "root", false);
    write(root / "pnpm-workspace.yaml", "packages:\n  - '!packages/skip'\n  - 'packages/*'\n");
    write_package(root / "packages" / "keep", "keep", true);
    write_package(root / "packages" / "skip", "skip", true);
    CHECK(names(load_project(root).packages) == Names{"keep"});
}

TEST_CASE("pnpm::load_project reads names, scripts and dependencies") {
    fs::path root = fresh("manifest-fields");
    write(root / "package.json", R"({"name": "root", "packageManager": "pnpm@10.6.1+sha512.abc"})");
    write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
    write(root / "packages" / "unnamed" / "package.json",
          R"({"scripts": {"build": "tsc", "weird": 42},
              "dependencies": {"a": "1"}, "devDependencies": {"b": "1"},
              "optionalDependencies": {"c": "1"}, "peerDependencies": {"d": "1"}})");
    Project project = load_project(root);
    REQUIRE(project.packages.size() == 1);
    const Package& p = project.packages[0];
    CHECK(p.name == "unnamed"); // no "name": the folder name
    CHECK_FALSE(p.has_name);
    // pnpm cannot select a package without a name by its folder name: by its path instead.
    CHECK(filter_selector(project, p) == "./packages/unnamed");
    CHECK(filter_selector(project, project.root_package) == "root");
    CHECK(p.scripts.size() == 1); // a script that is not a string is not a script
    CHECK(p.scripts.at("build") == "tsc");
    std::set<std::string> deps(p.dependencies.begin(), p.dependencies.end());
    CHECK(deps == std::set<std::string>{"a", "b", "c", "d"});
    CHECK(project.package_manager == "pnpm@10.6.1+sha512.abc");
}

TEST_CASE("pnpm::load_project lockfile and packageManager") {
    SUBCASE("both present") {
        fs::path root = fresh("lock-yes");
        write(root / "package.json", R"({"name": "r", "packageManager": "pnpm@9.15.0"})");
        write(root / "pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
        Project project = load_project(root);
        REQUIRE(project.lockfile.has_value());
        CHECK(*project.lockfile == root / "pnpm-lock.yaml");
        CHECK(project.package_manager == "pnpm@9.15.0");
    }
    SUBCASE("both absent") {
        fs::path root = fresh("lock-no");
        write(root / "package.json", R"({"name": "r"})");
        write(root / "package-lock.json", "{}"); // npm's lockfile is not pnpm's
        Project project = load_project(root);
        CHECK_FALSE(project.lockfile.has_value());
        CHECK(project.package_manager.empty());
    }
    SUBCASE("packageManager that is not a string is ignored") {
        fs::path root = fresh("lock-pm-number");
        write(root / "package.json", R"({"name": "r", "packageManager": 10})");
        CHECK(load_project(root).package_manager.empty());
    }
    SUBCASE("a relative folder is made absolute") {
        fs::path root = fresh("relative");
        write(root / "package.json", R"({"name": "r"})");
        Project project = load_project(fs::path("project") / "." / "relative");
        CHECK(project.root == root);
    }
}

TEST_CASE("pnpm::load_project single-package project") {
    fs::path root = fresh("single");
    write_package(root, "solo", true);
    // Without pnpm-workspace.yaml, package.json files below are not workspace packages.
    write_package(root / "packages" / "a", "a", true);
    Project project = load_project(root);
    CHECK_FALSE(project.is_workspace);
    CHECK(project.packages.empty());
    CHECK(names(build_order(project, "build")) == Names{"solo"});
    CHECK(build_order(project, "build")[0] == &project.root_package);
    CHECK(build_order(project, "lint").empty());
}

TEST_CASE("pnpm::load_project workspace file edge cases") {
    SUBCASE("an empty pnpm-workspace.yaml selects nothing") {
        fs::path root = fresh("ws-empty");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "");
        write_package(root / "packages" / "a", "a", true);
        Project project = load_project(root);
        CHECK(project.is_workspace);
        CHECK(project.packages.empty());
        CHECK(names(build_order(project, "build")) == Names{"root"});
    }
    SUBCASE("a workspace file without packages selects nothing") {
        fs::path root = fresh("ws-no-packages");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "onlyBuiltDependencies:\n  - esbuild\n");
        write_package(root / "packages" / "a", "a", true);
        CHECK(load_project(root).packages.empty());
    }
}

TEST_CASE("pnpm::load_project errors") {
    SUBCASE("no package.json") {
        fs::path root = fresh("err-none");
        std::string message = usage_error_of(root);
        CHECK(message.find("not a pnpm project") != std::string::npos);
        CHECK(message.find("package.json") != std::string::npos);
        CHECK(message.find(root.string()) != std::string::npos);
    }
    SUBCASE("not a folder") {
        fs::path root = fresh("err-missing");
        std::string message = usage_error_of(root / "nope");
        CHECK(message.find("nope") != std::string::npos);
    }
    SUBCASE("pnpm-workspace.yaml nested 100000 levels deep") {
        fs::path root = fresh("err-yaml-deep");
        write(root / "package.json", "{\"name\": \"root\"}");
        write(root / "pnpm-workspace.yaml",
              "packages: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:") != std::string::npos, message);
    }
    SUBCASE("package.json larger than the input limit") {
        fs::path root = fresh("err-json-huge");
        write(root / "package.json", "{}");
        fs::resize_file(root / "package.json", (std::uintmax_t(64) << 20) + 1);
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("package.json: package manifest is 67108865 bytes (64.0 MiB), "
                                   "more than the 64 MiB farm reads") != std::string::npos,
                      message);
    }
    SUBCASE("package.json with a missing comma") {
        fs::path root = fresh("err-json-comma");
        // The comma after "1.0.0" on line 3 is missing: the unexpected token is "private" on
        // line 4, column 3, where an editor would point.
        write(root / "package.json",
              "{\n  \"name\": \"broken\",\n  \"version\": \"1.0.0\"\n  \"private\": true\n}\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("package.json:4:3:") != std::string::npos, message);
    }
    SUBCASE("package.json with a trailing comma") {
        fs::path root = fresh("err-json-trailing");
        write(root / "package.json", "{\n  \"name\": \"broken\",\n  \"private\": true,\n}\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("package.json:4:1:") != std::string::npos, message);
    }
    SUBCASE("package.json that is not an object") {
        fs::path root = fresh("err-json-array");
        write(root / "package.json", "[1, 2]\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("package.json:1:1:") != std::string::npos, message);
    }
    SUBCASE("a workspace package's malformed package.json names that file") {
        fs::path root = fresh("err-member-json");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write(root / "packages" / "bad" / "package.json", "{\n  \"name\": \"bad\"\n  oops\n}\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find((root / "packages" / "bad" / "package.json").string() +
                                   ":3:3:") != std::string::npos,
                      message);
    }
    SUBCASE("malformed pnpm-workspace.yaml") {
        fs::path root = fresh("err-yaml");
        write_package(root, "root", true);
        // A mapping key where the sequence's items are: line 4, column 3.
        write(root / "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n  - apps/*\n  c: d\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:4:3:") != std::string::npos, message);
        CHECK_MESSAGE(message.find("not valid YAML") != std::string::npos, message);
    }
    SUBCASE("malformed pnpm-workspace.yaml: the position") {
        fs::path root = fresh("err-yaml-position");
        write_package(root, "root", true);
        // A second mapping key at a deeper indentation than the first, on line 3.
        write(root / "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n    bad: [\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:3:") != std::string::npos, message);
    }
    SUBCASE("packages is not a list") {
        fs::path root = fresh("err-yaml-scalar");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "# workspace\npackages: packages/*\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:2:11:") != std::string::npos, message);
        CHECK(message.find("packages") != std::string::npos);
    }
    SUBCASE("an entry of packages is not a string") {
        fs::path root = fresh("err-yaml-entry");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n  - {a: 1}\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:3:5:") != std::string::npos, message);
    }
    SUBCASE("the workspace file is not a mapping") {
        fs::path root = fresh("err-yaml-list");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "- packages/*\n");
        std::string message = usage_error_of(root);
        CHECK_MESSAGE(message.find("pnpm-workspace.yaml:1:1:") != std::string::npos, message);
    }
}

TEST_CASE("pnpm::build_order") {
    SUBCASE("dependencies first, whatever the folder order") {
        fs::path root = fresh("order-chain");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        // Folder order a-app, b-lib, c-core; the chain is app -> lib -> core.
        write_package(root / "packages" / "a-app", "app", true, {"lib"});
        write_package(root / "packages" / "b-lib", "lib", true, {"core"});
        write_package(root / "packages" / "c-core", "core", true);
        Project project = load_project(root);
        CHECK(names(build_order(project, "build")) == Names{"core", "lib", "app"});
    }
    SUBCASE("ties keep folder order") {
        fs::path root = fresh("order-ties");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write_package(root / "packages" / "a", "a", true, {"c"});
        write_package(root / "packages" / "b", "b", true);
        write_package(root / "packages" / "c", "c", true);
        write_package(root / "packages" / "d", "d", true, {"is-number", "d"}); // registry, self
        Project project = load_project(root);
        CHECK(names(build_order(project, "build")) == Names{"b", "c", "a", "d"});
    }
    SUBCASE("through a dependency that lacks the script") {
        fs::path root = fresh("order-transitive");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        // app -> types (no build) -> core.
        write_package(root / "packages" / "a-app", "app", true, {"types"});
        write_package(root / "packages" / "b-types", "types", false, {"core"});
        write_package(root / "packages" / "c-core", "core", true);
        Project project = load_project(root);
        CHECK(names(build_order(project, "build")) == Names{"core", "app"});
        // Only packages with the script are returned.
        CHECK(names(build_order(project, "test")) == Names{"core", "types", "app"});
    }
    SUBCASE("a cycle does not hang") {
        fs::path root = fresh("order-cycle");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write_package(root / "packages" / "1-x", "x", true, {"y"});
        write_package(root / "packages" / "2-y", "y", true, {"x"});
        write_package(root / "packages" / "3-w", "w", true, {"x"});
        Project project = load_project(root);
        // x and y wait on each other: the first in folder order goes first.
        CHECK(names(build_order(project, "build")) == Names{"x", "y", "w"});
    }
    SUBCASE("a cycle among packages without the script does not hang") {
        fs::path root = fresh("order-cycle-hidden");
        write_package(root, "root", true);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write_package(root / "packages" / "p", "p", true, {"q"});
        write_package(root / "packages" / "q", "q", false, {"r"});
        write_package(root / "packages" / "r", "r", false, {"q", "s"});
        write_package(root / "packages" / "s", "s", true);
        Project project = load_project(root);
        CHECK(names(build_order(project, "build")) == Names{"s", "p"});
    }
    SUBCASE("the root package when no workspace package has the script") {
        fs::path root = fresh("order-root");
        write(root / "package.json", R"({"name": "root", "scripts": {"deploy": "x"}})");
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write_package(root / "packages" / "a", "a", true);
        Project project = load_project(root);
        std::vector<const Package*> order = build_order(project, "deploy");
        REQUIRE(order.size() == 1);
        CHECK(order[0] == &project.root_package);
        // With workspace packages that have it, the root is left out.
        write(root / "package.json", R"({"name": "root", "scripts": {"build": "x"}})");
        project = load_project(root);
        CHECK(names(build_order(project, "build")) == Names{"a"});
    }
    SUBCASE("nobody has the script") {
        fs::path root = fresh("order-none");
        write_package(root, "root", false);
        write(root / "pnpm-workspace.yaml", "packages: ['packages/*']\n");
        write_package(root / "packages" / "a", "a", false);
        CHECK(build_order(load_project(root), "build").empty());
    }
}
