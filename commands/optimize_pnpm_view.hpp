// `farm optimize:pnpm`: what the user reads. The plan as lines (every change with its reason,
// what was kept as the project chose it, notes), the unified diffs, and the JSON document
// farm.optimize_pnpm/1.
#pragma once

#include "commands/optimize_pnpm.hpp"
#include "farm/pnpm/config_rewrite.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace farm::commands {

// The path as the user knows it: relative to the current folder when inside it, the symlink
// rather than its target.
std::string display_name(const pnpm::PlannedFile& file);

// The project's plan, then the user-config proposals (written only with --user). Every line
// but the diffs' (the files' own bytes) is wrapped to `width` (0: no limit).
void print_planning(std::ostream& out, const PnpmPlanning& planning, bool user, std::size_t width);

// "  kept: preferOffline false, set by the project in pnpm-workspace.yaml", one line each
// (wrapped to `width`): what optimize:pnpm and `farm optimize` say they left alone.
void print_kept(std::ostream& out, const std::vector<std::string>& kept, std::size_t width);

// What the write did: files, backups, what pnpm confirmed.
void print_written(std::ostream& out, const pnpm::ConfigPlan& plan,
                   const pnpm::RewriteResult& rewrite, const std::string& pnpm_version,
                   std::size_t width);

struct OptimizeOutcome {
    std::string mode; // write, dry-run, check
    bool written = false;
    pnpm::RewriteResult rewrite;
    bool user_written = false;
    pnpm::RewriteResult user_rewrite;
    std::optional<nlohmann::json> measured;
    std::string not_written_because; // --measure did not prove it
};

nlohmann::json optimize_pnpm_json(const PnpmPlanning& planning, const OptimizeOutcome& outcome);

} // namespace farm::commands
