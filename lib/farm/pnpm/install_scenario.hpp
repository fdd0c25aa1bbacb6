// The install situations a developer meets, each a repeatable starting state:
//   warm  node_modules removed before each run, the store kept (the everyday fresh clone);
//         with a lockfile: --frozen-lockfile --prefer-offline
//   cold  a fresh empty store and metadata cache (temporary folders) and no node_modules each
//         run: a full download, so it needs the registry
//   noop  node_modules kept: the cost of an install that has nothing to do
//   none  no install
// pnpm always runs with --reporter=ndjson placed before the command name (pnpm 12 passes flags
// after a command name on to scripts).
#pragma once

#include "farm/pnpm/project.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::pnpm {

enum class InstallScenario { warm, cold, noop, none };

std::optional<InstallScenario> parse_install_scenario(std::string_view text);
const char* to_string(InstallScenario scenario);

struct InstallStep {
    std::vector<std::string> argv;
    // Removed (recursively) before each run; for cold, the temporary store and cache too.
    std::vector<std::filesystem::path> reset_before_each;
    // Needs a populated store first (one untimed install before the timed runs).
    bool needs_priming = false;
};

// `scratch` is a temporary folder farm owns for the whole benchmark (cold store and cache).
InstallStep plan_install(const Project& project, const std::string& pnpm, InstallScenario scenario,
                         const std::filesystem::path& scratch);

} // namespace farm::pnpm
