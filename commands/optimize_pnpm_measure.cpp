#include "commands/optimize_pnpm_measure.hpp"

#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/analysis/compare.hpp"
#include "farm/core/error.hpp"
#include "farm/core/fixed_text.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/store.hpp"
#include "farm/measure/stats.hpp"
#include "farm/pnpm/settings_trial.hpp"
#include "farm/report/format.hpp"
#include "farm/report/table.hpp"
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

std::string why_not_proven(const analysis::MetricComparison& c, const analysis::FloorTest& beyond,
                           double floor_pct) {
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
    } else if (c.verdict != analysis::Verdict::faster) {
        std::snprintf(text, sizeof text,
                      "%+.1f%% is within the noise floor of %.1f%%: no change proven",
                      *c.change_pct, floor_pct);
    } else {
        std::snprintf(text, sizeof text,
                      "%+.1f%% is not shown to be beyond the noise floor of %.1f%% (with the "
                      "floor taken off each install, p = %.3f): no change proven",
                      *c.change_pct, floor_pct, beyond.p_value);
    }
    return text;
}

std::string fixed(double value, int places, const char* suffix = "") {
    return core::fixed(value, places) + suffix;
}

// The two sides as a table that fits the terminal: the medians, the change, both p values, the
// noise floor and the verdict that decides the write (columns that do not fit go on a line
// under their row).
void print_comparison(const analysis::MetricComparison& c, pnpm::InstallScenario scenario,
                      const std::vector<std::string>& argv, std::size_t runs, double floor_pct,
                      const analysis::FloorTest& beyond, bool proven) {
    std::size_t width = stdout_width();
    std::cout << "\n"
              << report::wrap_text(std::string(install_kind(scenario)) + ", " +
                                       report::count_of(runs, "run") +
                                       " a side, interleaved: " + core::join_command_line(argv),
                                   width, 2)
              << "\n";
    report::Table table(
        {"settings", "median", "change", "p", "p beyond floor", "noise floor", "verdict"});
    table.set_overflow(report::Overflow::stack);
    table.set_priority(3, 2);
    table.set_priority(4, 3);
    table.set_priority(5, 1);
    std::string change =
        c.change_pct ? (*c.change_pct >= 0 ? "+" : "") + fixed(*c.change_pct, 1, "%") : "n/a";
    table.add_row({"before", report::format_value(c.baseline_median, "s"), "", "", "", "", ""});
    table.add_row({"after", report::format_value(c.candidate_median, "s"), change,
                   c.p_value ? fixed(*c.p_value, 3) : "n/a", fixed(beyond.p_value, 3),
                   fixed(floor_pct, 1, "%"),
                   proven                                   ? "faster"
                   : c.verdict == analysis::Verdict::faster ? "not beyond the floor"
                                                            : analysis::to_string(c.verdict)});
    std::cout << table.render(stdout_wants_color(), width);
}

// The settings the trial switches: the project's, and with --user the user's own config too
// (its network settings are judged by cold installs like any other).
pnpm::ConfigPlan tried_plan(const PnpmPlanning& planning, bool user) {
    pnpm::ConfigPlan tried = planning.plan;
    if (user && planning.user_plan) {
        const pnpm::ConfigPlan& own = *planning.user_plan;
        tried.files.insert(tried.files.end(), own.files.begin(), own.files.end());
        tried.changes.insert(tried.changes.end(), own.changes.begin(), own.changes.end());
    }
    return tried;
}

} // namespace

double noise_floor_pct(const std::vector<double>& before) {
    double median = measure::median(before);
    if (median <= 0) {
        return 5;
    }
    std::vector<double> deviations;
    for (double v : before) {
        deviations.push_back(std::abs(v - median));
    }
    return std::max(5.0, 100 * measure::median(deviations) / median);
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
    pnpm::ConfigPlan tried = tried_plan(planning, o.user);
    pnpm::InstallScenario scenario = pnpm::trial_scenario_for(tried);
    pnpm::SettingsTrial trial;
    {
        ProgressDisplay progress("optimize:pnpm", progress_mode(o.no_progress));
        std::map<std::string, std::size_t> per_side; // "before", "after" -> installs begun
        trial = pnpm::run_settings_trial(
            project, planning.toolchain->pnpm, tried, o.runs, scenario,
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
    analysis::FloorTest beyond =
        analysis::faster_beyond_floor(before, after, settings.threshold_pct);
    proof.faster = c.verdict == analysis::Verdict::faster && beyond.faster;
    if (!proof.faster) {
        proof.why_not = why_not_proven(c, beyond, settings.threshold_pct);
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
                 {"p_beyond_noise_floor", beyond.p_value},
                 {"verdict", analysis::to_string(c.verdict)},
                 {"run_ids", {before_id, after_id}}};
    if (!o.json) {
        print_comparison(c, scenario, trial.argv, o.runs, settings.threshold_pct, beyond,
                         proof.faster);
        std::size_t width = stdout_width();
        std::cout << report::wrap_text("recorded as runs #" + std::to_string(before_id) + " and #" +
                                           std::to_string(after_id) + " in " +
                                           store.path().string(),
                                       width, 2)
                  << "\n";
        std::cout.flush();
    }
    return proof;
}

} // namespace farm::commands
