// The install situations a developer meets, each a repeatable starting state:
//   warm     node_modules removed before each run, the store kept (the everyday fresh clone);
//            with a lockfile: --frozen-lockfile --prefer-offline
//   cold     a fresh empty store and metadata cache (in farm's scratch folder inside the project,
//            so on the project's file system) and no node_modules each run: a full download, so
//            it needs the registry
//   prod     as warm, production dependencies only (--prod, what a deploy installs)
//   offline  as warm, never asking the registry (--offline): the store must hold every package
//   noop     node_modules kept: the cost of an install that has nothing to do
//   none     no install
// Without a lockfile every run resolves from scratch: the lockfile pnpm wrote in the previous run
// is removed before the next one (noop aside, whose point is to find everything in place).
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

enum class InstallScenario { warm, cold, noop, none, prod, offline };

std::optional<InstallScenario> parse_install_scenario(std::string_view text);
const char* to_string(InstallScenario scenario);
// Every scenario's name, in the order the help lists them.
const std::vector<std::string>& install_scenario_names();

struct InstallStep {
    std::vector<std::string> argv;
    // Removed before each run: node_modules folders (renamed aside, deleted in the background),
    // for cold the scratch store and cache, without a lockfile the lockfile of the previous run.
    std::vector<std::filesystem::path> reset_before_each;
    // Needs a populated store first: one untimed install (priming_argv) before the timed runs,
    // unless the store already holds the lockfile's packages (see install_state.hpp).
    bool needs_priming = false;
    std::vector<std::string> priming_argv;
    // Without a lockfile: every timed run resolves every dependency from scratch.
    bool resolves_each_run = false;
    // The scenario leaves a node_modules that a plain `pnpm install` would not accept as its own
    // (cold: linked to the deleted scratch store; prod: without devDependencies), so a plain
    // install follows the last run, untimed.
    bool reinstall_after = false;
};

// `scratch` is the folder farm owns for the whole benchmark (cold store and cache).
InstallStep plan_install(const Project& project, const std::string& pnpm, InstallScenario scenario,
                         const std::filesystem::path& scratch);

// The untimed install that leaves node_modules as a plain `pnpm install` with the user's own
// store and settings would: after a cold or prod benchmark.
std::vector<std::string> plain_install_argv(const Project& project, const std::string& pnpm);

// Every node_modules folder of the project: the root's and each workspace package's.
std::vector<std::filesystem::path> node_modules_folders(const Project& project);

} // namespace farm::pnpm
