// pnpm-workspace.yaml's `include:` (pnpm 12.15 and later): settings the workspace file delegates
// to other YAML files or to config dependencies. pnpm's rules, as pnpm 12.25 enforces them:
//   - `include` maps each source to a list of setting names or to "*";
//   - a source is a path starting with `./` or `../` (relative to the workspace file) or the name
//     of a config dependency;
//   - a setting listed for a source belongs to it whether or not the source sets it, and the
//     workspace file may not set it as well (ERR_PNPM_DUPLICATE_SETTING); under "*" a source owns
//     the settings it sets;
//   - a file source may set only what it was delegated (ERR_PNPM_SETTING_NOT_DELEGATED).
// So a setting farm would change must be read, and written, where its owner is. The older forms
// (a string, or a list of paths) are read as paths delegated "*", so that farm still sees them.
// Nothing here writes.
#pragma once

#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

// pnpm 12.15 and later read `include:`; earlier versions do not know it.
bool reads_includes(const Version& version);

struct IncludeSource {
    std::string name;                          // as written: "./config/pnpm.yaml", "@acme/pnpm"
    std::optional<std::filesystem::path> file; // a path source, resolved; none for a dependency
    bool everything = false;                   // "*"
    std::vector<std::string> settings;         // the names listed
};

// The sources of the top-level `include:` of pnpm-workspace.yaml text; empty when there is
// none. Throws farm::UsageError for YAML that does not parse (with file, line and column).
std::vector<IncludeSource> include_sources(const std::string& yaml_text,
                                           const std::filesystem::path& yaml_file);

// True when the file sets the top-level `key` (a file missing or not YAML sets nothing).
bool yaml_file_sets(const std::filesystem::path& file, std::string_view key);

// The source that owns `camel_key`: one that lists it, else a "*" path source whose file sets
// it; nullopt when the workspace file itself owns it.
std::optional<IncludeSource> owner_of(const std::vector<IncludeSource>& sources,
                                      std::string_view camel_key);

} // namespace farm::pnpm
