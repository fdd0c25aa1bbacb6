#include "farm/pnpm/store_location.hpp"

#include "support/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>

using namespace farm::pnpm;
namespace fs = std::filesystem;

namespace {

bool is_proc_mounted() {
    struct stat proc {
    }, root{};
    return stat("/proc/self", &proc) == 0 && stat("/", &root) == 0 && proc.st_dev != root.st_dev;
}

} // namespace

TEST_CASE("pnpm::on_same_filesystem for a folder and its subfolder") {
    fs::path dir = farm::test::fresh_folder("store_location", "same");
    fs::create_directories(dir / "sub" / "deeper");
    CHECK(on_same_filesystem(dir, dir / "sub"));
    CHECK(on_same_filesystem(dir / "sub" / "deeper", dir));
    CHECK(on_same_filesystem(dir, dir));
}

TEST_CASE("pnpm::on_same_filesystem judges a missing path by its nearest existing folder") {
    fs::path dir = farm::test::fresh_folder("store_location", "missing");
    fs::path store = dir / "not" / "yet" / "a" / "store";
    REQUIRE_FALSE(fs::exists(store));
    CHECK(on_same_filesystem(store, dir));
    CHECK(on_same_filesystem(dir, store));
    CHECK_FALSE(fs::exists(store)); // asking creates nothing
    if (is_proc_mounted()) {
        CHECK_FALSE(on_same_filesystem(fs::path("/proc/farm-no-such-dir/store"), dir));
    }
}

TEST_CASE("pnpm::on_same_filesystem tells /proc from the temporary folder") {
    REQUIRE(is_proc_mounted());
    fs::path dir = farm::test::fresh_folder("store_location", "proc");
    CHECK_FALSE(on_same_filesystem("/proc", dir));
    CHECK_FALSE(on_same_filesystem(dir, "/proc/self"));
    CHECK_FALSE(on_same_filesystem("/proc", fs::temp_directory_path()));
    CHECK(on_same_filesystem("/proc/self", "/proc"));
}

TEST_CASE("pnpm::mount_point_of finds the top of a filesystem") {
    REQUIRE(is_proc_mounted());
    CHECK(mount_point_of("/proc/self") == fs::path("/proc"));
    CHECK(mount_point_of("/proc") == fs::path("/proc"));
    CHECK(mount_point_of("/") == fs::path("/"));
    fs::path dir = farm::test::fresh_folder("store_location", "mount");
    fs::path top = mount_point_of(dir);
    CHECK(on_same_filesystem(top, dir));
    CHECK((top == fs::path("/") || !on_same_filesystem(top, top.parent_path())));
    // The folder is under its mount point.
    CHECK(dir.string().rfind(top.string(), 0) == 0);
    CHECK(mount_point_of(dir / "missing" / "child") == top);
}
