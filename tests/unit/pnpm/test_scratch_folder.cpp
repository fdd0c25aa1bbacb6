#include "farm/pnpm/scratch_folder.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

namespace fs = std::filesystem;
using farm::pnpm::ScratchFolder;

namespace {

// A project with node_modules at its root and in one package, and a file that is not theirs.
fs::path project_with_node_modules(const std::string& name) {
    fs::path root = farm::test::fresh_folder("scratch_folder", name);
    farm::test::write_file(root / "package.json", "{}");
    farm::test::write_file(root / "node_modules" / "a" / "index.js", "x");
    farm::test::write_file(root / "packages" / "ui" / "node_modules" / "b" / "index.js", "x");
    farm::test::write_file(root / "packages" / "ui" / "src" / "index.js", "x");
    return root;
}

// Waits (at most a minute) until the deleting process has emptied `folder`.
void wait_until_empty(const fs::path& folder) {
    for (int i = 0; i < 600 && !fs::is_empty(folder); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

TEST_CASE("pnpm::ScratchFolder lives hidden in the project and is gone afterwards") {
    fs::path root = project_with_node_modules("lifetime");
    fs::path path;
    {
        ScratchFolder scratch(root);
        path = scratch.path();
        CHECK(path.parent_path() == root / ".farm");
        CHECK(path.filename().string().starts_with("pnpm-scratch-"));
        CHECK(fs::is_directory(path));
    }
    // Removed by the deleting process after farm is done with it (farm does not wait).
    ScratchFolder::wait_until_removed(path);
    CHECK_FALSE(fs::exists(path));
    // farm made .farm, and leaves it (empty): a farm started meanwhile may be writing there.
    CHECK(fs::is_empty(root / ".farm"));
}

TEST_CASE("pnpm::ScratchFolder keeps a .farm folder it did not make") {
    fs::path root = project_with_node_modules("keeps-farm");
    farm::test::write_file(root / ".farm" / "perf.db", "history");
    fs::path path;
    {
        ScratchFolder scratch(root);
        path = scratch.path();
    }
    ScratchFolder::wait_until_removed(path);
    CHECK(fs::exists(root / ".farm" / "perf.db"));
}

TEST_CASE("pnpm::ScratchFolder::discard removes node_modules at once, nothing else") {
    fs::path root = project_with_node_modules("discard");
    {
        ScratchFolder scratch(root);
        CHECK(scratch.discard(root / "node_modules"));
        CHECK(scratch.discard(root / "packages" / "ui" / "node_modules"));
        // Gone from where pnpm looks as soon as discard returns, whatever the background does.
        CHECK_FALSE(fs::exists(root / "node_modules"));
        CHECK_FALSE(fs::exists(root / "packages" / "ui" / "node_modules"));
        CHECK(scratch.discard(root / "packages" / "api" / "node_modules")); // absent: nothing

        // Refused: not a node_modules folder, outside the project, the project itself.
        CHECK_FALSE(scratch.discard(root / "packages" / "ui" / "src"));
        CHECK_FALSE(scratch.discard(root));
        CHECK_FALSE(scratch.discard(root.parent_path() / "node_modules"));
        CHECK_FALSE(scratch.discard(root / ".." / "other" / "node_modules"));
        CHECK(fs::exists(root / "packages" / "ui" / "src" / "index.js"));

        // The scratch folder's own content (the cold store) may go.
        fs::create_directories(scratch.path() / "store" / "v10");
        CHECK(scratch.discard(scratch.path() / "store"));
        CHECK_FALSE(fs::exists(scratch.path() / "store"));

        scratch.wait_for_deletions();
        CHECK(fs::is_empty(scratch.path() / "trash"));
        CHECK(fs::exists(scratch.path() / "owner.lock"));
    }
    wait_until_empty(root / ".farm");
    CHECK(fs::is_empty(root / ".farm"));
}

TEST_CASE("pnpm::ScratchFolder::remove_abandoned leaves a live owner's folder") {
    fs::path root = project_with_node_modules("abandoned");
    farm::test::write_file(root / ".farm" / "pnpm-scratch-dead01" / "trash" / "0" / "f", "x");
    farm::test::write_file(root / ".farm" / "perf.db", "history");
    ScratchFolder live(root);
    CHECK(ScratchFolder::remove_abandoned(root) == 1);
    CHECK_FALSE(fs::exists(root / ".farm" / "pnpm-scratch-dead01"));
    CHECK(fs::exists(live.path()));
    CHECK(fs::exists(root / ".farm" / "perf.db"));
}
