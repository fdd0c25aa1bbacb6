// `farm optimize:pnpm --measure`: installs with the old and the new settings (the project's,
// and with --user the user's own config's too), interleaved,
// compared (median change and Mann-Whitney p) and recorded as two runs of kind `install`
// (subjects optimize:pnpm:before and optimize:pnpm:after). The kind of install is the one that
// shows what is judged (settings_trial.hpp). The new settings count as proven only when they
// are faster with p < 0.05, by more than the noise floor (the larger of 5% and the old side's
// own spread, MAD over median), and still significantly faster with the floor taken off every
// new install (analysis::faster_beyond_floor). Anything else is "not proven", with the reason.
#pragma once

#include "commands/optimize_pnpm.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::commands {

struct SettingsProof {
    nlohmann::json doc; // for the JSON document's "measure"
    bool faster = false;
    std::string why_not; // when not faster: the verdict in words
};

// The noise floor in % for samples of the old settings: max(5, 100 * MAD / median).
double noise_floor_pct(const std::vector<double>& before);

// Prints the comparison unless options.json. Throws farm::UsageError without pnpm or a
// lockfile, farm::CommandError when an install fails.
SettingsProof measure_settings_change(const PnpmPlanning& planning,
                                      const OptimizePnpmOptions& options);

} // namespace farm::commands
