#include "farm/pnpm/project_settings.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/pnpm/config_plan.hpp"
#include "farm/pnpm/user_config.hpp"
#include "support/files.hpp"
#include "support/pnpm_version.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

using farm::test::version;

fs::path project(const std::string& name) {
    fs::path root = farm::test::fresh_folder("project_settings", name);
    farm::test::write_file(root / "package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
    return root;
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

PlanOptions forcing(const std::string& key) {
    PlanOptions options{{8, false}, false, false, {key}};
    return options;
}

} // namespace

TEST_CASE("pnpm::npmrc_line_commented and yaml_line_commented read a comment on or above") {
    CHECK(npmrc_line_commented("side-effects-cache=false ; on purpose\n", "side-effects-cache"));
    CHECK(npmrc_line_commented("# fresh metadata\nprefer-offline=false\n", "prefer-offline"));
    CHECK(npmrc_line_commented("; why\r\nprefer-offline=false\r\n", "prefer-offline"));
    CHECK_FALSE(
        npmrc_line_commented("# team\nregistry=x\nprefer-offline=false\n", "prefer-offline"));
    CHECK_FALSE(npmrc_line_commented("x=\"a;b\"\n", "x"));
    CHECK(yaml_line_commented("preferOffline: false  # deliberately: fresh metadata\n",
                              "preferOffline"));
    CHECK(
        yaml_line_commented("packages: []\n# keep\nsideEffectsCache: false\n", "sideEffectsCache"));
    CHECK(yaml_line_commented("'sideEffectsCache': false # x\n", "sideEffectsCache"));
    CHECK_FALSE(
        yaml_line_commented("name: 'a # b'\nsideEffectsCache: false\n", "sideEffectsCache"));
    CHECK_FALSE(yaml_line_commented("url: http://x/#a\n", "url"));
}

TEST_CASE("pnpm::plan_config never rewrites a line with the project's comment, forced or not") {
    fs::path root = project("commented");
    std::string yaml = "packages:\n  - apps/*\n"
                       "sideEffectsCache: false  # deliberately: the builds are not hermetic\n";
    farm::test::write_file(root / "pnpm-workspace.yaml", yaml);
    ConfigPlan plan = plan_config(root, version("12.21.0"), forcing("sideEffectsCache"));
    CHECK(plan.changes.empty());
    CHECK(plan.files.empty());
    CHECK(has(plan.notes, "sideEffectsCache is not rewritten although forced"));
    CHECK(farm::core::read_text_file(root / "pnpm-workspace.yaml") == yaml);
}

TEST_CASE("pnpm::plan_config --migrate leaves a commented .npmrc line where it is") {
    fs::path root = project("migrate-commented");
    std::string npmrc = "save-exact=true\n# our mirror is slow\nfetch-retries=5\n"
                        "http-proxy=http://proxy:3128/\nnoproxy=localhost\n";
    farm::test::write_file(root / ".npmrc", npmrc);
    PlanOptions options{{8, false}, false, true, {}};
    ConfigPlan plan = plan_config(root, version("12.21.0"), options);
    CHECK(has(plan.notes, ".npmrc line 3 (fetch-retries) is left in place"));
    for (const PlannedFile& f : plan.files) {
        if (f.which == SettingsFile::npmrc) {
            // Only save-exact moved: the comment, its line and the proxy lines stay.
            CHECK(f.after == "# our mirror is slow\nfetch-retries=5\n"
                             "http-proxy=http://proxy:3128/\nnoproxy=localhost\n");
        } else {
            CHECK(f.after.find("proxy") == std::string::npos);
            CHECK(f.after.find("fetchRetries") == std::string::npos);
        }
    }
}

TEST_CASE("pnpm::plan_config edits a symlinked file inside the project and refuses one outside") {
    fs::path root = project("symlink-inside");
    farm::test::write_file(root / "shared" / "npmrc", "side-effects-cache=false\n");
    fs::create_symlink("shared/npmrc", root / ".npmrc");
    ConfigPlan plan = plan_config(root, version("9.15.0"), forcing("sideEffectsCache"));
    REQUIRE(plan.files.size() == 1);
    CHECK(plan.files[0].path == fs::canonical(root / "shared" / "npmrc"));
    CHECK(plan.files[0].link == root / ".npmrc");

    fs::path outside = farm::test::fresh_folder("project_settings", "outside-home");
    farm::test::write_file(outside / "npmrc", "//r/:_authToken=secret\nside-effects-cache=false\n");
    fs::path root2 = project("symlink-outside");
    fs::create_symlink(outside / "npmrc", root2 / ".npmrc");
    std::string message;
    try {
        plan_config(root2, version("9.15.0"), forcing("sideEffectsCache"));
    } catch (const farm::UsageError& e) {
        message = e.what();
    }
    CHECK(message.find("is a symlink to " + (outside / "npmrc").string()) != std::string::npos);
    CHECK(message.find("outside the project") != std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
    // Nothing to change in it: no reason to refuse.
    CHECK_NOTHROW(plan_config(root2, version("9.15.0"), PlanOptions{}));
}

TEST_CASE("pnpm::workspace_root_of finds the root above a sub-package") {
    fs::path root = project("ws-root");
    farm::test::write_file(root / "pnpm-workspace.yaml", "packages:\n  - packages/*\n");
    farm::test::write_file(root / "packages" / "a" / "package.json", "{\"name\": \"a\"}\n");
    CHECK(workspace_root_of(root / "packages" / "a") == root);
    CHECK(workspace_root_of(root) == root);
    CHECK(workspace_root_of(farm::test::fresh_folder("project_settings", "no-ws")) == std::nullopt);
}

TEST_CASE("pnpm::dev_engines_pnpm reads devEngines.packageManager, object or list") {
    fs::path root = project("dev-engines");
    farm::test::write_file(root / "package.json",
                           "{\"devEngines\": {\"packageManager\": {\"name\": \"pnpm\", "
                           "\"version\": \"^10.6.0\"}}}\n");
    CHECK(dev_engines_pnpm(root) == "^10.6.0");
    farm::test::write_file(
        root / "package.json",
        "{\"devEngines\": {\"packageManager\": [{\"name\": \"yarn\", "
        "\"version\": \"4\"}, {\"name\": \"pnpm\", \"version\": \"9.15.0\"}]}}\n");
    CHECK(dev_engines_pnpm(root) == "9.15.0");
    farm::test::write_file(root / "package.json", "{\"name\": \"x\"}\n");
    CHECK(dev_engines_pnpm(root).empty());
}

TEST_CASE("pnpm::workspace_links_matter only when a workspace name is not `workspace:`") {
    fs::path root = project("links");
    farm::test::write_file(root / "pnpm-workspace.yaml", "packages:\n  - packages/*\n");
    farm::test::write_file(root / "packages" / "a" / "package.json", "{\"name\": \"a\"}\n");
    farm::test::write_file(root / "packages" / "b" / "package.json",
                           "{\"name\": \"b\", \"dependencies\": {\"a\": \"workspace:*\", "
                           "\"left-pad\": \"^1.0.0\"}}\n");
    CHECK_FALSE(workspace_links_matter(load_project(root)));
    farm::test::write_file(root / "packages" / "b" / "package.json",
                           "{\"name\": \"b\", \"dependencies\": {\"a\": \"^1.0.0\"}}\n");
    CHECK(workspace_links_matter(load_project(root)));
}

TEST_CASE("pnpm::plan_user_config writes the machine's numbers to the user's file only") {
    fs::path root = project("user");
    fs::path home = farm::test::fresh_folder("project_settings", "user-home");
    fs::path rc = home / "pnpm" / "rc";
    farm::test::write_file(rc, "# mine\n//r/:_authToken=${T}\n");
    ConfigPlan plan = plan_user_config(root, version("9.15.0"), MachineFacts{16}, rc);
    REQUIRE(plan.files.size() == 1);
    CHECK(plan.files[0].path == rc);
    CHECK(plan.files[0].after ==
          "# mine\n//r/:_authToken=${T}\nnetwork-concurrency=48\nchild-concurrency=16\n");

    // The project's own value wins in pnpm: not proposed for the user, and said.
    farm::test::write_file(root / ".npmrc", "child-concurrency=3\n");
    ConfigPlan shadowed = plan_user_config(root, version("9.15.0"), MachineFacts{16}, rc);
    CHECK(has(shadowed.notes, "child-concurrency is 3 in the project's .npmrc"));
    CHECK(shadowed.files[0].after.find("child-concurrency") == std::string::npos);

    // pnpm 12 reads config.yaml, camelCase; the user's own value is kept.
    fs::path yaml = home / "pnpm" / "config.yaml";
    farm::test::write_file(yaml, "childConcurrency: 4\n");
    ConfigPlan twelve =
        plan_user_config(project("user-12"), version("12.21.0"), MachineFacts{16}, yaml);
    CHECK(twelve.files.empty());
    CHECK(has(twelve.kept, "childConcurrency 4, set in your"));
    // Never below pnpm's defaults: a 4-core machine gets nothing.
    CHECK(plan_user_config(project("user-4"), version("9.15.0"), MachineFacts{4},
                           home / "none" / "rc")
              .files.empty());
}
