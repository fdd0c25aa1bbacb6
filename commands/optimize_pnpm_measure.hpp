// `farm optimize:pnpm --measure`: warm installs with the old and the new settings, interleaved,
// compared (median change and Mann-Whitney p) and recorded as two runs of kind `install`
// (subjects optimize:pnpm:before and optimize:pnpm:after).
#pragma once

#include "commands/optimize_pnpm.hpp"

#include <nlohmann/json.hpp>

namespace farm::commands {

// Prints the comparison unless options.json; returns it for the JSON document. Throws
// farm::UsageError without pnpm or a lockfile, farm::CommandError when an install fails.
nlohmann::json measure_settings_change(const PnpmPlanning& planning,
                                       const OptimizePnpmOptions& options);

} // namespace farm::commands
