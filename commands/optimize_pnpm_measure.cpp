#include "commands/optimize_pnpm_measure.hpp"

#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "farm/analysis/compare.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/store.hpp"
#include "farm/pnpm/settings_trial.hpp"
#include "farm/report/format.hpp"
#include "farm/sys/context.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

namespace farm::commands {

namespace fs = std::filesystem;

namespace {

const char* install_kind(pnpm::InstallScenario scenario) {
    switch (scenario) {
    case pnpm::InstallScenario::cold:
        return "cold install (empty store and metadata cache)";
    case pnpm::InstallScenario::noop:
        return "repeat install (node_modules kept)";
    default:
        return "warm install (node_modules removed, store kept)";
    }
}

std::vector<double> walls(const std::vector<measure::IterationRecord>& iterations) {
    std::vector<double> values;
    for (const measure::IterationRecord& it : iterations) {
        values.push_back(it.metric("wall_s").value_or(0));
    }
    return values;
}

history::Run trial_run(const std::string& side, const std::vector<measure::IterationRecord>& its,
                       const pnpm::SettingsTrial& trial, const PnpmPlanning& planning,
                       const std::string& started_at) {
    history::Run run;
    run.kind = "install";
    run.subject = "optimize:pnpm:" + side;
    run.command = core::join_command_line(core::redact_secrets(trial.argv));
    run.folder = planning.root.string();
    run.started_at = started_at;
    run.duration_s = trial.total_wall_s;
    run.status = history::status_for(trial.outcome);
    run.context = sys::collect_context(planning.root);
    run.context.tool_versions["pnpm"] = planning.toolchain->pnpm_version.text;
    run.context.project["settings"] = side;
    run.context.project["settings_file"] = pnpm::file_name_of(planning.plan.target);
    run.iterations = its;
    return run;
}

double median_of(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string why_not_proven(const analysis::MetricComparison& c, double floor_pct) {
    char text[200];
    if (c.verdict == analysis::Verdict::not_enough_data || !c.p_value || !c.change_pct) {
        return "not enough completed installs to judge";
    }
    if (*c.change_pct >= 0) {
        std::snprintf(text, sizeof text, "the new settings were not faster (%+.1f%%, p = %.3f)",
                      *c.change_pct, *c.p_value);
    } else if (*c.p_value >= 0.05) {
        std::snprintf(text, sizeof text,
                      "%+.1f%% is not significant (p = %.3f, needs p < 0.05): no change proven",
                      *c.change_pct, *c.p_value);
    } else {
        std::snprintf(text, sizeof text,
                      "%+.1f%% is within the noise floor of %.1f%%: no change proven",
                      *c.change_pct, floor_pct);
    }
    return text;
}

} // namespace

double noise_floor_pct(const std::vector<double>& before) {
    double median = median_of(before);
    if (median <= 0) {
        return 5;
    }
    std::vector<double> deviations;
    for (double v : before) {
        deviations.push_back(std::abs(v - median));
    }
    return std::max(5.0, 100 * median_of(deviations) / median);
}

SettingsProof measure_settings_change(const PnpmPlanning& planning, const OptimizePnpmOptions& o) {
    if (!planning.toolchain) {
        throw UsageError("--measure runs pnpm installs, and no pnpm runs here; install pnpm or "
                         "name it with --pnpm");
    }
    pnpm::Project project = pnpm::load_project(planning.root);
    if (!project.lockfile) {
        throw UsageError("--measure times installs from the lockfile, and " +
                         planning.root.string() +
                         " has no pnpm-lock.yaml; run `pnpm install` there first");
    }
    exec::install_interrupt_handlers();
    std::string started_at = core::utc_now_iso8601();
    pnpm::InstallScenario scenario = pnpm::trial_scenario_for(planning.plan);
    pnpm::SettingsTrial trial;
    {
        ProgressDisplay progress("optimize:pnpm", progress_mode(o.no_progress));
        std::map<std::string, std::size_t> per_side; // "before", "after" -> installs begun
        trial = pnpm::run_settings_trial(
            project, planning.toolchain->pnpm, planning.plan, o.runs, scenario,
            [&](const std::string& side, std::size_t current, std::size_t total) {
                report::ProgressSnapshot snapshot;
                snapshot.label = side + " settings";
                snapshot.counter =
                    "install " + std::to_string(++per_side[side]) + "/" + std::to_string(total / 2);
                snapshot.fraction = double(current - 1) / double(total);
                progress.show(std::move(snapshot));
            });
    }
    if (trial.outcome == measure::Outcome::interrupted) {
        throw Error("interrupted; the settings files are as they were", ExitCode::interrupted);
    }
    if (trial.outcome == measure::Outcome::failed) {
        throw CommandError(trial.failure + " (the settings files are as they were)");
    }

    std::vector<double> before = walls(trial.before), after = walls(trial.after);
    analysis::CompareSettings settings;
    settings.threshold_pct = noise_floor_pct(before);
    settings.min_samples = 4;
    analysis::MetricComparison c = analysis::compare_samples(before, after, "wall_s", settings);
    SettingsProof proof;
    proof.faster = c.verdict == analysis::Verdict::faster;
    if (!proof.faster) {
        proof.why_not = why_not_proven(c, settings.threshold_pct);
    }

    history::Store store(core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db),
                                               core::find_project_root(planning.root)),
                         history::Store::Mode::create);
    std::int64_t before_id =
        store.record(trial_run("before", trial.before, trial, planning, started_at));
    std::int64_t after_id =
        store.record(trial_run("after", trial.after, trial, planning, started_at));

    proof.doc = {{"runs_per_side", o.runs},
                 {"install", pnpm::to_string(scenario)},
                 {"noise_floor_pct", settings.threshold_pct},
                 {"proven_faster", proof.faster},
                 {"why_not", proof.why_not},
                 {"command", core::join_command_line(core::redact_secrets(trial.argv))},
                 {"metric", "wall_s"},
                 {"before_median_s", c.baseline_median},
                 {"after_median_s", c.candidate_median},
                 {"change_pct", c.change_pct ? nlohmann::json(*c.change_pct) : nullptr},
                 {"p_value", c.p_value ? nlohmann::json(*c.p_value) : nullptr},
                 {"verdict", analysis::to_string(c.verdict)},
                 {"run_ids", {before_id, after_id}}};
    if (!o.json) {
        char change[32] = "n/a";
        if (c.change_pct) {
            std::snprintf(change, sizeof change, "%+.1f%%", *c.change_pct);
        }
        char floor[32];
        std::snprintf(floor, sizeof floor, "%.1f%%", settings.threshold_pct);
        char p[32] = "n/a";
        if (c.p_value) {
            std::snprintf(p, sizeof p, "%.3f", *c.p_value);
        }
        std::cout << "\n"
                  << install_kind(scenario) << " (" << core::join_command_line(trial.argv)
                  << "), median of " << o.runs << " runs per side, interleaved:\n"
                  << "  before " << report::format_value(c.baseline_median, "s") << "   after "
                  << report::format_value(c.candidate_median, "s") << "   change " << change
                  << "   p = " << p << " (Mann-Whitney U)   noise floor " << floor << "   "
                  << analysis::to_string(c.verdict) << "\n  recorded as runs #" << before_id
                  << " and #" << after_id << " in " << store.path().string() << "\n";
        std::cout.flush();
    }
    return proof;
}

} // namespace farm::commands
