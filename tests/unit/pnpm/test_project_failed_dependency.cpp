// pnpm::failed_dependency: which packages a failed build blocks, for a dependency graph given by
// hand (no files needed).
#include "farm/pnpm/project.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace farm::pnpm;

namespace {

Package package(const std::string& name, std::vector<std::string> deps, bool builds = true) {
    Package p;
    p.name = name;
    p.dir = "/ws/packages/" + name;
    p.dependencies = std::move(deps);
    if (builds) {
        p.scripts["build"] = "tsc";
    }
    return p;
}

const Package& find(const Project& project, const std::string& name) {
    for (const Package& p : project.packages) {
        if (p.name == name) {
            return p;
        }
    }
    FAIL("no package " << name);
    return project.root_package;
}

} // namespace

TEST_CASE("pnpm::failed_dependency blocks dependents, direct and transitive, and nothing else") {
    Project project;
    project.root = "/ws";
    project.is_workspace = true;
    project.packages = {
        package("lib", {"is-number"}),    // fails
        package("types", {"lib"}, false), // no build script, depends on lib
        package("ui", {"lib", "react"}),  // direct dependent
        package("web", {"ui", "next"}),   // transitive, through ui
        package("api", {"types"}),        // transitive, through a package without the script
        package("tool", {"is-number"}),   // independent
        package("a", {"b"}),
        package("b", {"a"}) // a cycle, independent of lib
    };
    std::set<std::string> failed = {"lib"};
    CHECK(failed_dependency(project, find(project, "ui"), failed) == "lib");
    CHECK(failed_dependency(project, find(project, "web"), failed) == "lib");
    CHECK(failed_dependency(project, find(project, "api"), failed) == "lib");
    CHECK(failed_dependency(project, find(project, "tool"), failed).empty());
    CHECK(failed_dependency(project, find(project, "a"), failed).empty());
    // The failed package itself is not blocked by itself.
    CHECK(failed_dependency(project, find(project, "lib"), failed).empty());
    // Nothing failed: nothing blocked.
    CHECK(failed_dependency(project, find(project, "web"), {}).empty());

    SUBCASE("the nearest failed dependency is named") {
        std::set<std::string> both = {"lib", "ui"};
        CHECK(failed_dependency(project, find(project, "web"), both) == "ui");
    }
    SUBCASE("a failure inside a cycle blocks the other member") {
        CHECK(failed_dependency(project, find(project, "a"), {"b"}) == "b");
        CHECK(failed_dependency(project, find(project, "b"), {"b"}) == "");
    }
}
