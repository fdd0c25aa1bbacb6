// Which pnpm settings make installs faster, for which pnpm version, and where that version
// reads them from. The knowledge behind `farm optimize:pnpm`, kept apart from file editing so it
// can be read and tested as a table.
//
// The rules (see FACTS.md, pnpm):
//   - pnpm before 10.6 reads settings from the project's .npmrc (kebab-case keys); 10.6 and
//     later read camelCase keys from pnpm-workspace.yaml, which wins over .npmrc; from 11 on the
//     .npmrc holds only auth and registry lines and pnpm ignores every other setting there.
//   - Only settings that change speed and never the node_modules layout, the lockfile or what a
//     dependency resolves to are proposed by default. Layout-changing ones (nodeLinker) and
//     workspace resolution ones only when asked for, with a warning.
//   - Nothing that depends on the machine goes to a project file: concurrency from the core
//     count is for the user's own pnpm config (user_settings_for), never below pnpm's default.
//   - preferOffline is not a setting farm writes: it also changes `add`, `update` and `dlx`, so
//     it is advised as the --prefer-offline flag of CI installs.
//   - A setting whose pnpm default is already the wanted value is not written: a careful expert
//     does not add lines that change nothing.
// Versions farm knows are pnpm 7 to 12; others are refused (the caller may name a version).
#pragma once

#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
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
    // --workspace-settings: the user asked for the settings that change how workspace packages
    // are resolved (and took the warning).
    bool workspace_settings = false;
    // Some dependency on a workspace package is written without `workspace:`, so the
    // resolution settings would change what it resolves to. Without one they have no effect.
    bool workspace_links_matter = false;
};

// The install that shows a setting's effect: --measure must run that kind, or it judges noise.
enum class JudgedBy {
    warm,   // node_modules removed, store kept: how packages are imported and built
    cold,   // store and metadata cache empty: what the network does
    repeat, // node_modules kept: the cost of an install that has nothing to do
};

const char* to_string(JudgedBy kind);

struct SpeedSetting {
    std::string key;   // camelCase
    std::string value; // as pnpm reads it: "true", "16", "hoisted"
    std::string why;   // one line, printed beside the change
    // pnpm's own default for the version (checked against real pnpm in the CLI tests); a
    // setting already at the wanted value through its default is not written.
    std::optional<std::string> pnpm_default;
    bool changes_layout = false;
    // Changes what a dependency resolves to (workspace resolution): only on request.
    bool changes_resolution = false;
    std::string warning; // for layout- or resolution-changing settings: what changes
    JudgedBy judged_by = JudgedBy::warm;
};

// The settings a team can commit for this version: none depends on the machine. `layout` adds
// the layout-changing ones. A value the project set explicitly is never turned around here:
// the caller keeps it (config_plan.hpp).
std::vector<SpeedSetting> speed_settings_for(const Version& version, const MachineFacts& facts,
                                             bool layout);

// The machine-specific settings (concurrency from the core count) for the user's own pnpm
// config (`--user`), never below pnpm's defaults: a setting whose machine value would not
// exceed the default is left out.
std::vector<SpeedSetting> user_settings_for(const Version& version, const MachineFacts& facts);

// pnpm's default childConcurrency (5 in every version farm knows).
int child_concurrency_default(const Version& version);

// networkConcurrency for pnpm before 10.24 (which picks its own, between 16 and 64, from its
// worker count): three requests per core, clamped to pnpm's own range.
int network_concurrency_for(int cores);

// The per-user settings file this version reads, from the environment (XDG_CONFIG_HOME, else
// HOME/.config): pnpm/rc (ini, kebab-case) before 12, pnpm/config.yaml (camelCase) from 12 on.
// Throws farm::UsageError when neither variable is set.
std::filesystem::path user_config_file(const Version& version);
// True when the user file of this version is YAML.
bool user_config_is_yaml(const Version& version);

} // namespace farm::pnpm
