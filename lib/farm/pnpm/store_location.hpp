// Where pnpm's content-addressable store is, and whether it is on the project's filesystem.
//
// pnpm hard-links packages from the store into node_modules; across filesystems a hard link is
// impossible and pnpm copies every file instead (packageImportMethod auto falls back to copy),
// which makes installs slower and node_modules as big as the packages. So `farm optimize:pnpm`
// checks it and, when they differ, proposes a storeDir on the project's filesystem.
#pragma once

#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace farm::pnpm {

struct StoreLocation {
    std::filesystem::path store;         // what `pnpm store path` printed
    bool same_filesystem = true;         // store (or its nearest existing folder) and project
    std::filesystem::path project_mount; // the top folder of the project's filesystem
};

// Runs `pnpm store path` in `root`. nullopt when pnpm does not answer (the check is advice).
std::optional<StoreLocation> locate_store(const Toolchain& toolchain,
                                          const std::filesystem::path& root);

// The folder at the top of the filesystem that holds `path` (walks up while st_dev is the same).
std::filesystem::path mount_point_of(const std::filesystem::path& path);

// True when both paths (or their nearest existing ancestors) are on one filesystem.
bool on_same_filesystem(const std::filesystem::path& a, const std::filesystem::path& b);

} // namespace farm::pnpm
