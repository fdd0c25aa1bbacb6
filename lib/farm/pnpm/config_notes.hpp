// The notes optimize:pnpm's plan adds about settings files it does not change: what pnpm ignores
// or reads from two places, and variables an .npmrc needs. Internal to lib/farm/pnpm: only
// config_plan.cpp includes it. Each function returns one line per finding, in file order.
#pragma once

#include "farm/pnpm/npmrc.hpp"
#include "farm/pnpm/toolchain.hpp"
#include "farm/pnpm/workspace_yaml.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::pnpm {

// The .npmrc settings pnpm >= 11 ignores, or that pnpm-workspace.yaml also sets (the YAML wins).
std::vector<std::string> npmrc_settings_notes(const Npmrc& npmrc,
                                              const std::optional<WorkspaceYaml>& yaml,
                                              const Version& version);

// pnpm before 11 reads the whole .npmrc through npm's config loader, which gives up on a file
// with a `${VAR}` whose variable is unset: pnpm warns "Failed to replace env in config" and
// `pnpm config get` then answers `undefined` for every key of the file.
std::vector<std::string> unset_variable_notes(const std::string& npmrc_text);

// Speed settings in pnpm-workspace.yaml, which pnpm before 10.6 ignores.
std::vector<std::string> ignored_yaml_notes(const std::optional<WorkspaceYaml>& yaml,
                                            const Version& version);

inline void add_notes(std::vector<std::string>& notes, const std::vector<std::string>& more) {
    notes.insert(notes.end(), more.begin(), more.end());
}

} // namespace farm::pnpm
