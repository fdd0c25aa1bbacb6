// Plans the machine-specific speed settings (concurrency from this machine's core count) for the
// user's own pnpm config file, the one pnpm reads for this version (speed_settings.hpp:
// user_config_file): they fit the machine they were measured on, so they never go into a file
// the team commits.
//
// Guarantees: a value the user's file already sets is kept (listed in `kept`); a setting the
// project sets wins over the user's file in pnpm, so it is not planned there and a note says so;
// the new text comes from the byte-preserving editors (rc: npmrc.hpp, config.yaml:
// workspace_yaml.hpp), so every other line stays byte for byte; no value is below pnpm's default
// (user_settings_for leaves those out). Writing goes through config_rewrite.hpp's write_plan.
#pragma once

#include "farm/pnpm/config_plan.hpp"

#include <filesystem>

namespace farm::pnpm {

// Where backups of the user's file go: ${XDG_STATE_HOME:-~/.local/state}/farm/backups (not the
// project, since the user's file may hold tokens, and not beside the file).
std::filesystem::path user_backup_folder();

// Throws farm::UsageError for a user file that does not parse (with its line).
ConfigPlan plan_user_config(const std::filesystem::path& project_root, const Version& version,
                            const MachineFacts& facts, const std::filesystem::path& user_file);

} // namespace farm::pnpm
