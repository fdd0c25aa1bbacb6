#include "farm/pnpm/settings_trial.hpp"

#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/exec/process.hpp"
#include "farm/pnpm/install_scenario.hpp"
#include "farm/pnpm/scratch_folder.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <sys/stat.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 ? mode_t(info.st_mode & 07777) : mode_t(0644);
}

// Puts the settings files in the old or the new state; restores the old one when destroyed.
class SettingsSwitch {
  public:
    explicit SettingsSwitch(const ConfigPlan& plan) : m_plan(plan) {
        for (const PlannedFile& f : plan.files) {
            m_modes.push_back(f.existed ? mode_of(f.path) : mode_t(0644));
        }
    }
    ~SettingsSwitch() {
        try {
            use(false);
        } catch (...) {
            // Nothing more can be done from a destructor; use(false) writes atomically, so a
            // file is either old or new, never half-written.
        }
    }
    SettingsSwitch(const SettingsSwitch&) = delete;
    SettingsSwitch& operator=(const SettingsSwitch&) = delete;

    void use(bool new_settings) {
        for (std::size_t i = 0; i < m_plan.files.size(); ++i) {
            const PlannedFile& f = m_plan.files[i];
            if (!new_settings && !f.existed) {
                std::error_code ignored;
                fs::remove(f.path, ignored);
            } else {
                fs::create_directories(f.path.parent_path()); // the user's config folder
                core::write_file_atomically(f.path, new_settings ? f.after : f.before, m_modes[i]);
            }
        }
    }

  private:
    const ConfigPlan& m_plan;
    std::vector<mode_t> m_modes;
};

} // namespace

InstallScenario trial_scenario_for(const ConfigPlan& plan) {
    auto judged = [&](JudgedBy kind) {
        return std::any_of(plan.changes.begin(), plan.changes.end(),
                           [&](const SettingChange& c) { return c.judged_by == kind; });
    };
    if (judged(JudgedBy::cold)) {
        return InstallScenario::cold;
    }
    return judged(JudgedBy::repeat) ? InstallScenario::noop : InstallScenario::warm;
}

SettingsTrial run_settings_trial(const Project& project, const std::string& pnpm,
                                 const ConfigPlan& plan, std::size_t runs_per_side,
                                 InstallScenario scenario, const TrialProgress& progress) {
    std::optional<ScratchFolder> scratch;
    if (scenario == InstallScenario::cold) {
        scratch.emplace(project.root);
    }
    InstallStep step =
        plan_install(project, pnpm, scenario, scratch ? scratch->path() : fs::path());
    step.argv.erase(std::remove(step.argv.begin(), step.argv.end(), "--prefer-offline"),
                    step.argv.end());
    SettingsTrial trial;
    trial.argv = step.argv;
    auto started = std::chrono::steady_clock::now();

    SettingsSwitch settings(plan);
    auto install = [&](bool timed) -> std::optional<exec::ProcessResult> {
        for (const fs::path& folder : step.reset_before_each) {
            fs::remove_all(folder);
        }
        exec::SpawnOptions options;
        options.argv = step.argv;
        options.cwd = project.root;
        options.extra_env = pnpm_environment(pnpm);
        options.sample_hz = timed ? 20 : 0;
        exec::ProcessResult result = exec::run_process(options);
        if (result.interrupted) {
            trial.outcome = measure::Outcome::interrupted;
            return std::nullopt;
        }
        if (!result.succeeded()) {
            trial.outcome = measure::Outcome::failed;
            trial.failure = "the install failed (" + result.describe_failure() + "): " +
                            result.stderr_tail.substr(result.stderr_tail.size() > 600
                                                          ? result.stderr_tail.size() - 600
                                                          : 0);
            return std::nullopt;
        }
        return result;
    };

    settings.use(false);
    bool settle = scenario == InstallScenario::noop;
    std::optional<bool> side_now;
    if (install(false)) {
        std::size_t total = 2 * runs_per_side;
        for (std::size_t i = 0; i < total; ++i) {
            bool new_side = (i % 4 == 1 || i % 4 == 2); // A B B A
            if (progress) {
                progress(new_side ? "after" : "before", i + 1, total);
            }
            settings.use(new_side);
            if (settle && side_now != new_side && !install(false)) {
                break;
            }
            side_now = new_side;
            std::optional<exec::ProcessResult> result = install(true);
            if (!result) {
                break;
            }
            measure::Iteration iteration{i, *result};
            (new_side ? trial.after : trial.before)
                .push_back(measure::to_iteration_record(iteration));
        }
    }
    if (step.reinstall_after && trial.outcome == measure::Outcome::completed) {
        // The cold runs linked node_modules to the scratch store, which goes now: one plain
        // install with the old settings leaves the project as the user's own install would.
        settings.use(false);
        step.argv = plain_install_argv(project, pnpm);
        step.reset_before_each = node_modules_folders(project);
        install(false);
    }
    trial.total_wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return trial; // `settings` puts the old files back here
}

} // namespace farm::pnpm
