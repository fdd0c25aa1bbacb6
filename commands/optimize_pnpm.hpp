// `farm optimize:pnpm [DIR]`: rewrites a project's pnpm settings for speed (see
// lib/farm/pnpm/config_plan.hpp and config_rewrite.hpp for what is guaranteed).
#pragma once

#include "farm/pnpm/config_plan.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

struct OptimizePnpmOptions {
    std::string dir;
    bool dry_run = false;
    bool check = false;
    bool migrate = false;
    bool layout = false;
    bool no_backup = false;
    bool measure = false;
    bool apply_anyway = false;       // write even when --measure did not prove it faster
    std::size_t runs = 8;            // installs per side for --measure (at least 4)
    std::vector<std::string> force;  // keys whose project value farm may replace
    bool user = false;               // write the machine-specific settings to the user's config
    bool workspace_settings = false; // propose the workspace resolution settings
    std::string pnpm;
    std::string pnpm_version;
    std::string db;
    bool json = false;
    bool no_progress = false; // of --measure
};

// What optimize:pnpm found and would change; `farm optimize` shows it as one item of its list.
struct PnpmPlanning {
    std::filesystem::path root;
    pnpm::Version version;
    std::string version_source; // "--pnpm-version", "package.json packageManager", "pnpm --version"
    std::optional<pnpm::Toolchain> toolchain;
    pnpm::ConfigPlan plan;
    // The machine-specific settings for the user's own pnpm config, and that file; no plan when
    // the file cannot be named (no HOME) or does not parse (then user_note says why).
    std::optional<pnpm::ConfigPlan> user_plan;
    std::filesystem::path user_file;
    std::string user_note;
};

// Run in a sub-package of a workspace, it plans for the workspace root (pnpm's own root).
// Throws farm::UsageError for a folder that is not a pnpm project, an unknown pnpm version
// (without --pnpm-version) or a settings file that does not parse.
PnpmPlanning plan_pnpm_settings(const OptimizePnpmOptions& options);

void register_optimize_pnpm(CLI::App& optimize, Invocation& invocation);

} // namespace farm::commands
