// Carries out a ConfigPlan (config_plan.hpp) so that a user's configuration is never lost or
// half-written:
//   1. every file is checked first: unchanged since it was planned, and writable (a file without
//      write permission for its owner is refused, even for root, who could rename over it);
//   2. each old file is kept in the backup folder (the project's .farm/backups/, which holds a
//      .gitignore of `*` so that no backup is committed) as NAME.TIMESTAMP, never beside the
//      file, unless backups are turned off; the result lists them;
//   3. each new file is written to a temporary file in its own folder and renamed over the old
//      one, with the old one's permissions; a symlink's target is what is written
//      (PlannedFile::path), so the link stays a link;
//   4. the result is parsed back and must read the planned values, and then pnpm itself is
//      asked (`pnpm config get KEY`) when the pnpm at hand reads the same file as the version
//      planned for; a pnpm that answers `undefined` cannot prove anything, which is said;
//   5. if any step after the first write fails, every file is put back as it was (created files
//      removed, backups of this run removed) and the error is thrown.
#pragma once

#include "farm/pnpm/config_plan.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

// Asks pnpm for the value of a setting; nullopt when pnpm answers `undefined`. Throws
// farm::CommandError when pnpm fails.
using SettingReader = std::function<std::optional<std::string>(const std::string& key)>;

// `pnpm config get KEY` in `root`, with pnpm_environment().
SettingReader pnpm_setting_reader(const Toolchain& toolchain, const std::filesystem::path& root);

struct RewriteResult {
    std::vector<std::filesystem::path> backups;
    std::vector<std::string> verified_by_pnpm; // keys pnpm read back with the new value
    // How the rest was checked ("parsed back only: pnpm 9.15.9 answers `undefined` for ...").
    std::vector<std::string> notes;
};

// The project's backup folder: ROOT/.farm/backups.
std::filesystem::path backup_folder_of(const std::filesystem::path& project_root);

// `reader` may be empty (no pnpm at hand, or one that reads another file): then the files are
// checked by parsing them back only, and a note says so. `backup_folder` empty: no backups.
RewriteResult write_plan(const ConfigPlan& plan, const std::filesystem::path& backup_folder,
                         const SettingReader& reader);

} // namespace farm::pnpm
