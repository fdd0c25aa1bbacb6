// Measures whether a settings change makes installs faster: installs with the old settings
// files and with the new ones, interleaved A B B A A B B A ... so that drift in the machine (a
// cache warming, another job starting) falls on both sides alike.
//
// The kind of install is the one that shows the effect of what is judged (trial_scenario_for):
// cold installs (an empty store and metadata cache in farm's scratch folder, so the registry is
// asked) for network settings, repeat installs (node_modules kept; after each switch of the
// settings one untimed install settles them, so a timed run never pays for the switch itself)
// for optimisticRepeatInstall, warm installs (node_modules removed, store kept, lockfile frozen)
// for the rest. Installs run without --prefer-offline, since network behaviour is judged too.
// One untimed install with the old settings fills the store first. Whatever happens (a failed
// install, Ctrl-C, an exception) the settings files are put back exactly as they were before the
// trial: the trial never leaves the new settings behind.
#pragma once

#include "farm/measure/runner.hpp"
#include "farm/measure/sample.hpp"
#include "farm/pnpm/config_plan.hpp"
#include "farm/pnpm/install_scenario.hpp"
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

// cold when a change is judged by cold installs, else noop (repeat) when one is judged by
// repeat installs, else warm.
InstallScenario trial_scenario_for(const ConfigPlan& plan);

SettingsTrial run_settings_trial(const Project& project, const std::string& pnpm,
                                 const ConfigPlan& plan, std::size_t runs_per_side,
                                 InstallScenario scenario, const TrialProgress& progress);

} // namespace farm::pnpm
