// Which pnpm settings make installs faster, for which pnpm version, and where that version
// reads them from. The knowledge behind `farm optimize:pnpm`, kept apart from file editing so it
// can be read and tested as a table.
//
// The rules (see FACTS.md, pnpm):
//   - pnpm before 10.6 reads settings from the project's .npmrc (kebab-case keys); 10.6 and
//     later read camelCase keys from pnpm-workspace.yaml, which wins over .npmrc; from 11 on the
//     .npmrc holds only auth and registry lines and pnpm ignores every other setting there.
//   - Only settings that change speed and never the node_modules layout or the lockfile are
//     proposed by default. Layout-changing ones (nodeLinker) only when asked for, with a warning.
//   - A setting whose pnpm default is already the wanted value is not written: a careful expert
//     does not add lines that change nothing.
// Versions farm knows are pnpm 7 to 12; others are refused (the caller may name a version).
#pragma once

#include "farm/pnpm/toolchain.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

enum class SettingsFile { npmrc, workspace_yaml };

const char* file_name_of(SettingsFile file); // ".npmrc", "pnpm-workspace.yaml"

// True for the pnpm versions whose settings files farm knows (7.0 to 12.x).
bool is_known_version(const Version& version);
// Where this version reads its settings from.
SettingsFile settings_file_for(const Version& version);
// pnpm 11 and later ignore every setting in .npmrc except auth and registry lines.
bool ignores_npmrc_settings(const Version& version);

// "networkConcurrency" -> "network-concurrency" and back.
std::string kebab_case(std::string_view camel);
std::string camel_case(std::string_view kebab);

struct MachineFacts {
    int cores = 1;
    bool workspace = false; // pnpm-workspace.yaml with packages
};

struct SpeedSetting {
    std::string key;   // camelCase
    std::string value; // as pnpm reads it: "true", "16", "hoisted"
    std::string why;   // one line, printed beside the change
    // pnpm's own default for the version, when it has one; a setting already at the wanted value
    // through its default is not written.
    std::optional<std::string> pnpm_default;
    // A value the user chose (a number, a path) is kept; only booleans that have one fast
    // direction are turned around.
    bool keep_user_value = false;
    bool changes_layout = false;
    std::string warning; // for layout-changing settings: what changes
};

// The settings for this version and machine, in the order they are written. `layout` adds the
// layout-changing ones.
std::vector<SpeedSetting> speed_settings_for(const Version& version, const MachineFacts& facts,
                                             bool layout);

// networkConcurrency for pnpm before 10.24 (which picks its own, between 16 and 64, from its
// worker count): three requests per core, clamped to pnpm's own range.
int network_concurrency_for(int cores);

} // namespace farm::pnpm
