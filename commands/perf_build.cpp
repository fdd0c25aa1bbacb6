#include "commands/perf_build.hpp"

#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/perf_build_options.hpp"
#include "commands/progress_display.hpp"
#include "commands/time_options.hpp"
#include "farm/core/error.hpp"
#include "farm/measure/runner.hpp"
#include "farm/pnpm/install_scenario.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>

namespace farm::commands {

int exit_code_for(measure::Outcome outcome, bool checks_failed) {
    switch (outcome) {
    case measure::Outcome::failed:
        return int(ExitCode::command_failed);
    case measure::Outcome::interrupted:
        return int(ExitCode::interrupted);
    case measure::Outcome::completed:
        break;
    }
    return int(checks_failed ? ExitCode::check_failed : ExitCode::ok);
}

measure::RunPlan run_plan_from(const PerfBuildOptions& o) {
    measure::RunPlan plan;
    plan.command.output = o.show_output ? exec::OutputMode::inherit : exec::OutputMode::capture;
    plan.hook_output = o.show_output ? exec::OutputMode::inherit : exec::OutputMode::null;
    plan.command.timeout_s = o.timeout_s;
    plan.command.sample_hz = o.sample_hz;
    if (o.runs > 0) {
        plan.runs = o.runs;
    }
    plan.min_runs = o.min_runs;
    if (o.max_runs > 0) {
        // As hyperfine: --max-runs alone lowers the minimum; with both, they must agree.
        if (o.max_runs < o.min_runs && o.min_runs_given) {
            throw UsageError("--max-runs " + std::to_string(o.max_runs) + " is below --min-runs " +
                             std::to_string(o.min_runs));
        }
        plan.min_runs = std::min(o.min_runs, o.max_runs);
        plan.max_runs = o.max_runs;
    }
    plan.time_budget_s = o.time_budget_s;
    plan.warmup = o.warmup;
    plan.ignore_failure = !o.ignore_failure.empty();
    return plan;
}

namespace {

void run_perf_build(const PerfBuildOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    if (!invocation.has_trailing && o.commands.empty()) {
        run_perf_build_project(o, invocation);
        return;
    }
    if (!o.dir.empty()) {
        throw UsageError("give either a project folder or commands (-c, or after `--`), not both");
    }
    run_perf_build_commands(o, invocation);
}

} // namespace

namespace {

// -c, --name, --reference, the order of the runs and the parameters.
void add_command_options(CLI::App& cmd, PerfBuildOptions& o) {
    cmd.add_option("-c,--command", o.commands,
                   "a command to time (repeatable); split into words as a POSIX shell would, "
                   "run without a shell unless --shell")
        ->allow_extra_args(false);
    cmd.add_option("-n,--name", o.names,
                   "subject name in the history, one per command (default: the command as "
                   "typed); {NAME} parameters are replaced")
        ->allow_extra_args(false);
    cmd.add_option("--reference", o.reference,
                   "the command (as typed, or its name) the others are compared with (default: "
                   "the fastest)");
    cmd.add_flag("--no-interleave", o.no_interleave,
                 "run each command's runs together, one command after the other, as hyperfine "
                 "(default: rounds that run every command once, in a shuffled order)");
    cmd.add_option("--seed", o.seed,
                   "the seed that shuffles the order of each round "
                   "(default: random; printed, so a run can be repeated)");
    cmd.add_option("--parameter-scan", o.parameter_scan,
                   "NAME MIN MAX: time each command for every value of {NAME} from MIN to MAX")
        ->expected(3)
        ->allow_extra_args(false);
    cmd.add_option("--parameter-step-size", o.parameter_step,
                   "the step of --parameter-scan (decimals allowed; default 1)");
    cmd.add_option("--parameter-list", o.parameter_lists,
                   "NAME a,b,c: time each command for every value of {NAME} (repeatable: every "
                   "combination)")
        ->expected(2)
        ->allow_extra_args(false);
}

// Hooks, output and input, the shell, and what counts as a failure.
void add_run_options(CLI::App& cmd, PerfBuildOptions& o) {
    cmd.add_option("-w,--warmup", o.warmup, "untimed runs of each command before the timed ones")
        ->check(whole_number_check(0, core::max_runs));
    cmd.add_option("--setup", o.setup, "shell command once before a command's runs");
    cmd.add_option("-p,--prepare", o.prepare,
                   "shell command before each run, untimed (clear caches); once for all "
                   "commands, or once per command")
        ->allow_extra_args(false);
    cmd.add_option("--conclude", o.conclude, "shell command after each run, untimed");
    cmd.add_option("--cleanup", o.cleanup,
                   "shell command once after a command's runs, also after a failure or Ctrl-C");
    // Both take an optional value (-i, --ignore-failure=1,2; --shell, --shell=bash): given
    // without one they are filled in by fill_optional_values().
    cmd.add_option("-i,--ignore-failure", o.ignore_failure,
                   "keep going when a command exits non-zero (its runs are recorded); "
                   "--ignore-failure=1,2 accepts only those exit codes")
        ->expected(0, 1);
    cmd.add_option("--shell", o.shell,
                   "run commands through `sh -c` (or --shell=SHELL); its start-up is measured "
                   "and subtracted")
        ->expected(0, 1);
    cmd.add_option("--output", o.output,
                   "where the commands' output goes: null (default), pipe (read by farm), "
                   "inherit (the terminal) or a FILE; not for a pnpm project, whose output farm "
                   "reads itself");
    cmd.add_flag("--show-output", o.show_output,
                 "let the commands (or pnpm) write to the terminal: --output inherit");
    cmd.add_option("--input", o.input,
                   "a file for the commands' standard input "
                   "(default: /dev/null)");
    cmd.add_option("-t,--timeout", o.timeout_s,
                   "end a run after SECONDS (its whole process group: TERM, then KILL)")
        ->check(seconds_check());
    cmd.add_option("--sample-hz", o.sample_hz,
                   "process-tree sampling rate for tree RSS and CPU; 0 turns it off")
        ->check(hertz_check(1000, ZeroIs::allowed))
        ->capture_default_str();
    cmd.add_flag("--counters", o.counters,
                 "also count instructions, cycles, branch misses and cache misses of the whole "
                 "process tree (hardware counters, where the kernel allows them)");
    cmd.add_option("--export", o.exports,
                   "also write the results to FILE, hyperfine's format by extension: .json, "
                   ".csv or .md (repeatable; works with --no-record)")
        ->allow_extra_args(false);
    cmd.add_option("--trace", o.trace,
                   "write a timeline to FILE (Chrome trace-event JSON, opens in Perfetto): each "
                   "run, pnpm's stages, each package or task, tree CPU and RSS (works with "
                   "--no-record)");
}

// -i and --shell given without a value.
void fill_optional_values(const CLI::App& cmd, PerfBuildOptions& o) {
    if (cmd.get_option("--ignore-failure")->count() > 0 && o.ignore_failure.empty()) {
        o.ignore_failure = "all";
    }
    if (cmd.get_option("--shell")->count() > 0 && o.shell.empty()) {
        o.shell = "sh";
    }
}

// The pnpm project mode's own options.
void add_project_options(CLI::App& cmd, PerfBuildOptions& o) {
    cmd.add_option("--install", o.install,
                   "pnpm project: warm (node_modules removed, store kept), cold (empty store: "
                   "needs the registry), prod (warm, --prod), offline (warm, --offline), noop "
                   "(node_modules kept) or none")
        ->check(one_of_check(pnpm::install_scenario_names()))
        ->capture_default_str();
    cmd.add_option("--script", o.script, "pnpm project: the script each package builds with")
        ->capture_default_str();
    cmd.add_flag("--no-build", o.no_build, "pnpm project: measure the install only");
    cmd.add_flag("--keep-going", o.keep_going,
                 "pnpm project: after a package's build fails, still build the packages that do "
                 "not depend on it");
    cmd.add_option("--output-dir", o.output_dirs,
                   "pnpm project: a build output folder to measure (repeatable; default from "
                   "farm.config.json, else what a browser gets, found from each package's "
                   "framework: .next/static, .output/public, dist, ...)");
    cmd.add_option("--pnpm", o.pnpm, "the pnpm binary (default: FARM_PNPM, else PATH)");
    cmd.add_option("--runner", o.runner,
                   "pnpm project: who runs the build: turbo (`turbo run SCRIPT`), nx "
                   "(`nx run-many -t SCRIPT`), pnpm (farm, one package at a time) or auto "
                   "(turbo with turbo.json, nx with nx.json, else pnpm)")
        ->check(one_of_check({"auto", "turbo", "nx", "pnpm"}))
        ->capture_default_str();
    cmd.add_option("--build-state", o.build_state,
                   "pnpm project: what each build run starts from: clean (outputs and build "
                   "caches removed), incremental (nothing removed) or cached (the runner's "
                   "cache kept: every turbo task a hit)")
        ->check(one_of_check({"clean", "incremental", "cached"}))
        ->capture_default_str();
}

} // namespace

void register_perf_build(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfBuildOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "build", "Measure a pnpm project's install and builds (DIR, default: the project "
                 "root), or time and compare commands (-c COMMAND, repeatable, or one command "
                 "after --).");
    cmd->add_option("dir", options->dir,
                    "pnpm project to measure (default: the project root); not with commands");
    CLI::Option* runs = cmd->add_option("-r,--runs", options->runs,
                                        "exact number of timed runs (default: fill the time "
                                        "budget; 5 for a pnpm project)")
                            ->check(whole_number_check(1, core::max_runs));
    CLI::Option* min_runs =
        cmd->add_option("-m,--min-runs", options->min_runs, "at least this many timed runs")
            ->check(whole_number_check(1, core::max_runs))
            ->excludes(runs);
    CLI::Option* max_runs =
        cmd->add_option("-M,--max-runs", options->max_runs,
                        "at most this many timed runs (alone, it also lowers the minimum)")
            ->check(whole_number_check(1, core::max_runs))
            ->excludes(runs);
    CLI::Option* budget = cmd->add_option("--time-budget", options->time_budget_s,
                                          "seconds of timed runs to aim for when --runs is not "
                                          "given")
                              ->check(seconds_check())
                              ->excludes(runs)
                              ->capture_default_str();
    add_command_options(*cmd, *options);
    add_run_options(*cmd, *options);
    add_project_options(*cmd, *options);
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--no-record", options->no_record, "do not store this run in the history");
    add_progress_option(*cmd, options->no_progress);
    cmd->add_flag("--json", options->json,
                  "print one JSON document (farm.run/1; farm.batch/1 for several commands; "
                  "farm.project/1 for a pnpm project)");
    cmd->callback([cmd, options, &invocation, runs, min_runs, max_runs, budget] {
        fill_optional_values(*cmd, *options);
        options->run_count_given =
            runs->count() + min_runs->count() + max_runs->count() + budget->count() > 0;
        options->min_runs_given = min_runs->count() > 0;
        run_perf_build(*options, invocation);
    });
}

} // namespace farm::commands
