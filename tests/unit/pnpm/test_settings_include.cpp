#include "farm/pnpm/settings_include.hpp"

#include "farm/core/input_file.hpp"
#include "farm/pnpm/config_plan.hpp"
#include "support/files.hpp"
#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

using farm::test::version;

// A pnpm 12 project whose pnpm-workspace.yaml delegates settings with `include:`, and the
// included file `./config/pnpm.yaml` with `included` as its text.
fs::path project(const std::string& name, const std::string& include, const std::string& included) {
    fs::path root = farm::test::fresh_folder("settings_include", name);
    farm::test::write_file(root / "package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
    farm::test::write_file(root / "pnpm-workspace.yaml", "# team settings\ninclude:\n" + include);
    farm::test::write_file(root / "config" / "pnpm.yaml", included);
    return root;
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

PlanOptions forcing(const std::string& key) {
    PlanOptions options;
    options.force = {key};
    return options;
}

PlanOptions layout() {
    PlanOptions options;
    options.layout = true; // nodeLinker: hoisted
    return options;
}

const std::string k_listed = "  ./config/pnpm.yaml:\n    - sideEffectsCache\n    - nodeLinker\n";

} // namespace

TEST_CASE("pnpm::include_sources reads pnpm 12's map: paths and config dependencies, lists and *") {
    std::string yaml = "include:\n  ./a.yaml:\n    - sideEffectsCache\n  '../b.yml': '*'\n"
                       "  \"@acme/pnpm-config\":\n    - nodeLinker\n";
    std::vector<IncludeSource> sources = include_sources(yaml, "/w/p/pnpm-workspace.yaml");
    REQUIRE(sources.size() == 3);
    CHECK(sources[0].file == fs::path("/w/p/a.yaml"));
    CHECK(sources[0].settings == std::vector<std::string>{"sideEffectsCache"});
    CHECK_FALSE(sources[0].everything);
    CHECK(sources[1].file == fs::path("/w/b.yml"));
    CHECK(sources[1].everything);
    CHECK_FALSE(sources[2].file.has_value()); // a config dependency: no file farm may edit
    CHECK(owner_of(sources, "nodeLinker")->name == "@acme/pnpm-config");
    CHECK(owner_of(sources, "sideEffectsCache")->name == "./a.yaml");
    CHECK_FALSE(owner_of(sources, "preferOffline").has_value()); // b.yml does not exist
    CHECK(include_sources("packages:\n  - a\n", "/w/pnpm-workspace.yaml").empty());
}

TEST_CASE("pnpm::plan_config keeps a value the included file sets, and forced, edits it there") {
    fs::path root = project("kept", k_listed, "sideEffectsCache: false\n");
    std::string workspace = farm::core::read_input_file(root / "pnpm-workspace.yaml", "test");
    ConfigPlan kept = plan_config(root, version("12.21.0"), PlanOptions{});
    CHECK(kept.changes.empty());
    CHECK(has(kept.kept, "sideEffectsCache false, set by the project in pnpm.yaml"));

    ConfigPlan forced = plan_config(root, version("12.21.0"), forcing("sideEffectsCache"));
    REQUIRE(forced.changes.size() == 1);
    CHECK(forced.changes[0].included_from == "./config/pnpm.yaml");
    REQUIRE(forced.files.size() == 1);
    CHECK(forced.files[0].path == root / "config" / "pnpm.yaml");
    CHECK(forced.files[0].after == "sideEffectsCache: true\n");
    // The workspace file is not in the plan: pnpm refuses a delegated setting there.
    CHECK(farm::core::read_input_file(root / "pnpm-workspace.yaml", "test") == workspace);
}

TEST_CASE("pnpm::plan_config writes a delegated setting the included file does not set yet there") {
    fs::path root = project("unset", k_listed, "# shared by our repos\nsideEffectsCache: true\n");
    ConfigPlan plan = plan_config(root, version("12.21.0"), layout());
    REQUIRE(plan.changes.size() == 1);
    CHECK(plan.changes[0].key == "nodeLinker");
    REQUIRE(plan.files.size() == 1);
    CHECK(plan.files[0].path == root / "config" / "pnpm.yaml");
    CHECK(plan.files[0].after ==
          "# shared by our repos\nsideEffectsCache: true\nnodeLinker: hoisted\n");
    // pnpm before 12.15 knows no include: the workspace file is the place.
    ConfigPlan old = plan_config(root, version("12.14.0"), layout());
    REQUIRE(old.files.size() == 1);
    CHECK(old.files[0].path == root / "pnpm-workspace.yaml");
}

TEST_CASE("pnpm::plan_config leaves a setting owned by a config dependency or an outside file") {
    fs::path root = project("dependency", "  \"@acme/pnpm\":\n    - nodeLinker\n", "");
    ConfigPlan plan = plan_config(root, version("12.21.0"), layout());
    CHECK(plan.changes.empty());
    CHECK(plan.files.empty());
    CHECK(has(plan.notes, "nodeLinker belongs to the config dependency @acme/pnpm"));

    fs::path outside = farm::test::fresh_folder("settings_include", "outside-file");
    farm::test::write_file(outside / "pnpm.yaml", "childConcurrency: 3\n");
    fs::path root2 = project(
        "outside",
        "  " + ("../" + outside.filename().string() + "/pnpm.yaml") + ":\n    - nodeLinker\n", "");
    ConfigPlan outside_plan = plan_config(root2, version("12.21.0"), layout());
    CHECK(outside_plan.files.empty());
    CHECK(has(outside_plan.notes, "which is outside the project; farm leaves it there"));
}

TEST_CASE("pnpm::plan_config under '*' edits the included file only for what it sets") {
    fs::path root = project("star", "  ./config/pnpm.yaml: '*'\n", "sideEffectsCache: false\n");
    PlanOptions options = forcing("sideEffectsCache");
    options.layout = true;
    ConfigPlan plan = plan_config(root, version("12.21.0"), options);
    REQUIRE(plan.changes.size() == 2);
    for (const SettingChange& c : plan.changes) {
        CHECK(c.included_from == (c.key == "sideEffectsCache" ? "./config/pnpm.yaml" : ""));
    }
    REQUIRE(plan.files.size() == 2);
    CHECK(plan.files[0].path == root / "pnpm-workspace.yaml"); // nodeLinker
    CHECK(plan.files[1].after == "sideEffectsCache: true\n");
}
