// Plans the rewrite of a project's pnpm settings for speed: which file, which keys, which new
// bytes. Writes nothing; config_rewrite.hpp carries a plan out.
//
// Guarantees:
//   - Settings go to the file the version reads (speed_settings.hpp): .npmrc with kebab-case
//     keys before pnpm 10.6, pnpm-workspace.yaml with camelCase keys from 10.6 on (planned as a
//     new file when missing; a single-package project gets no `packages:` list).
//   - The new text comes from the byte-preserving editors (npmrc.hpp, workspace_yaml.hpp):
//     every line the plan does not own stays byte for byte, and auth, registry, proxy and
//     certificate lines of .npmrc are never changed. Planning twice on the result changes
//     nothing.
//   - A file that farm would edit and cannot read is refused with farm::UsageError naming the
//     file, line and column; nothing is planned for it.
//   - The project's choices stand: a setting the project set explicitly (true, false or a
//     number, in .npmrc, pnpm-workspace.yaml or a file it includes) is kept and listed in
//     `kept`, unless its key is in `force`. A line that carries a comment (inline, or a comment
//     line right above it) is never rewritten nor moved, forced or not: a note says so.
//   - A settings file that is a symlink stays one: the plan edits the file it points to, in its
//     own folder, and refuses (farm::UsageError, saying where it points) when that file lies
//     outside the project.
//   - A setting that pnpm-workspace.yaml's `include:` delegates to another file
//     (settings_include.hpp) is read from that file and, when it changes, edited there with the
//     same editor and the same rules (a symlink's target, inside the project); one delegated to
//     a config dependency or a file outside the project is left with a note.
//   - A setting present in both files is reported, and what pnpm >= 11 would ignore in .npmrc.
//     `migrate` (pnpm >= 10.6) moves every non-auth setting from .npmrc into the YAML.
#pragma once

#include "farm/pnpm/speed_settings.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

struct PlannedFile {
    SettingsFile which = SettingsFile::npmrc;
    std::filesystem::path path; // the file written (a symlink's target)
    // The symlink the project names, when `path` is its target.
    std::optional<std::filesystem::path> link;
    bool existed = false;
    std::string before; // empty when it did not exist
    std::string after;
};

struct SettingChange {
    SettingsFile file = SettingsFile::npmrc;
    std::string key; // as written in that file
    std::optional<std::string> old_value;
    std::string new_value; // empty when the key is removed (migrated away)
    std::string why;
    bool changes_layout = false;
    std::string warning;
    bool migrated = false;               // moved from .npmrc by --migrate
    JudgedBy judged_by = JudgedBy::warm; // the install that shows its effect (--measure)
    // A setting pnpm-workspace.yaml delegates to an included file is written there: the
    // source as `include:` names it ("./config/pnpm.yaml") and the file; empty otherwise.
    std::string included_from;
    std::filesystem::path included_file;
};

struct ConfigPlan {
    Version version;
    SettingsFile target = SettingsFile::npmrc;
    std::vector<PlannedFile> files; // only the files whose bytes change
    std::vector<SettingChange> changes;
    // Settings found in both files, settings pnpm ignores, values kept as the user set them,
    // a store on another filesystem: one line each, for the user to read.
    std::vector<std::string> notes;
    // The project's own values farm left as they are ("preferOffline false, set by the project
    // in pnpm-workspace.yaml").
    std::vector<std::string> kept;

    bool has_changes() const { return !files.empty(); }
};

struct PlanOptions {
    MachineFacts facts;
    bool layout = false;  // add layout-changing settings
    bool migrate = false; // move .npmrc settings into pnpm-workspace.yaml (pnpm >= 10.6)
    // Keys (camelCase or kebab-case) whose project value farm may replace (--force KEY).
    std::vector<std::string> force;
};

ConfigPlan plan_config(const std::filesystem::path& root, const Version& version,
                       const PlanOptions& options);

} // namespace farm::pnpm
