// What a project already chose in its pnpm settings files, read as pnpm would read it, so that
// `farm optimize:pnpm` can leave it alone.
//
// A setting counts as the project's choice wherever pnpm reads it: pnpm-workspace.yaml (camelCase
// keys), the file its `include:` delegates the setting to (pnpm 12, settings_include.hpp), and
// .npmrc (kebab-case keys) for the versions that still read settings there. Whether the line that
// sets it carries a comment is read from the bytes: an inline `# ...` (or `; ...` in .npmrc), or a
// comment line right above it. Such a line explains a choice, and farm never rewrites it.
//
// The scanning is deliberately simple and conservative: when in doubt, a line counts as
// commented. Nothing here writes.
#pragma once

#include "farm/pnpm/project.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

struct ExplicitSetting {
    std::string value;
    std::filesystem::path file; // where it is set
    bool commented = false;     // its line has a comment, or a comment line right above it
};

// True when the last top-level line of .npmrc text that assigns `key` carries a comment.
bool npmrc_line_commented(std::string_view text, std::string_view key);
// True when the top-level line of pnpm-workspace.yaml text that sets `key` carries a comment.
bool yaml_line_commented(std::string_view text, std::string_view key);

// The value of a top-level scalar `key` in an included YAML file, or nullopt (also for a file
// that is missing or does not parse: pnpm would complain about it, farm only leaves it alone).
std::optional<ExplicitSetting> setting_in_yaml_file(const std::filesystem::path& file,
                                                    std::string_view key);

// The value the project set for `camel_key` where pnpm `version` reads it (see above), with the
// file and whether its line is commented; nullopt when the project leaves it to pnpm.
std::optional<ExplicitSetting> project_setting(const std::filesystem::path& root,
                                               const Version& version, std::string_view camel_key);

// The nearest folder at or above `dir` that holds a pnpm-workspace.yaml: the workspace root pnpm
// itself uses when run in a sub-package; nullopt outside any workspace.
std::optional<std::filesystem::path> workspace_root_of(const std::filesystem::path& dir);

// The pnpm version package.json's `devEngines.packageManager` asks for (an object, or a list
// of them; the entry named "pnpm"), as written ("^10.6.0"); empty when there is none.
std::string dev_engines_pnpm(const std::filesystem::path& root);

// True when some package of the workspace depends on another workspace package's name with a
// specifier that is not `workspace:`: only then do linkWorkspacePackages and
// preferWorkspacePackages change anything.
bool workspace_links_matter(const Project& project);

} // namespace farm::pnpm
