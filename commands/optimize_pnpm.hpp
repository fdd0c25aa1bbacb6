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
    std::size_t runs = 5;
    std::string pnpm;
    std::string pnpm_version;
    std::string db;
    bool json = false;
};

// What optimize:pnpm found and would change; `farm optimize` shows it as one item of its list.
struct PnpmPlanning {
    std::filesystem::path root;
    pnpm::Version version;
    std::string version_source; // "--pnpm-version", "package.json packageManager", "pnpm --version"
    std::optional<pnpm::Toolchain> toolchain;
    pnpm::ConfigPlan plan;
};

// Throws farm::UsageError for a folder that is not a pnpm project, an unknown pnpm version
// (without --pnpm-version) or a settings file that does not parse.
PnpmPlanning plan_pnpm_settings(const OptimizePnpmOptions& options);

void register_optimize_pnpm(CLI::App& optimize, Invocation& invocation);

} // namespace farm::commands
