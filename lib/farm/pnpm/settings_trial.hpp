// Measures whether a settings change makes installs faster: warm installs (node_modules removed,
// store kept, lockfile frozen) with the old settings files and with the new ones, interleaved
// A B B A A B B A ... so that drift in the machine (a cache warming, another job starting) falls
// on both sides alike.
//
// The install runs without --prefer-offline (which farm's own warm scenario passes), since that
// is one of the settings being judged. One untimed install with the old settings fills the store
// first. Whatever happens (a failed install, Ctrl-C, an exception) the settings files are put
// back exactly as they were before the trial: the trial never leaves the new settings behind.
#pragma once

#include "farm/measure/runner.hpp"
#include "farm/measure/sample.hpp"
#include "farm/pnpm/config_plan.hpp"
#include "farm/pnpm/project.hpp"

#include <functional>
#include <string>
#include <vector>

namespace farm::pnpm {

struct SettingsTrial {
    std::vector<std::string> argv;
    std::vector<measure::IterationRecord> before; // in the order they ran
    std::vector<measure::IterationRecord> after;
    measure::Outcome outcome = measure::Outcome::completed;
    std::string failure;
    double total_wall_s = 0;
};

// Called before each timed install: "before" or "after", the 1-based number and the total.
using TrialProgress =
    std::function<void(const std::string& side, std::size_t current, std::size_t total)>;

SettingsTrial run_settings_trial(const Project& project, const std::string& pnpm,
                                 const ConfigPlan& plan, std::size_t runs_per_side,
                                 const TrialProgress& progress);

} // namespace farm::pnpm
