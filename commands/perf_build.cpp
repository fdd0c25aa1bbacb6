#include "commands/perf_build.hpp"

#include "commands/cli.hpp"
#include "commands/perf_build_options.hpp"
#include "commands/terminal.hpp"
#include "commands/time_options.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/store.hpp"
#include "farm/measure/runner.hpp"
#include "farm/report/run_view.hpp"
#include "farm/sys/context.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
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
    plan.command.use_shell = o.shell;
    plan.command.output = o.show_output ? exec::OutputMode::inherit : exec::OutputMode::capture;
    plan.command.timeout_s = o.timeout_s;
    plan.command.sample_hz = o.sample_hz;
    if (o.runs > 0) {
        plan.runs = o.runs;
    }
    plan.min_runs = o.min_runs;
    if (o.max_runs > 0) {
        if (o.max_runs < o.min_runs) {
            throw UsageError("--max-runs " + std::to_string(o.max_runs) + " is below --min-runs " +
                             std::to_string(o.min_runs));
        }
        plan.max_runs = o.max_runs;
    }
    plan.time_budget_s = o.time_budget_s;
    plan.warmup = o.warmup;
    if (!o.prepare.empty()) {
        plan.prepare = o.prepare;
    }
    if (!o.cleanup.empty()) {
        plan.cleanup = o.cleanup;
    }
    plan.ignore_failure = o.ignore_failure;
    return plan;
}

namespace {

void run_perf_build(const PerfBuildOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    if (!invocation.has_trailing) {
        run_perf_build_project(o, invocation);
        return;
    }
    if (invocation.trailing.empty()) {
        throw UsageError("give the command to time after `--`, for example: "
                         "farm perf:build --runs 10 -- pnpm run build");
    }
    if (!o.dir.empty()) {
        throw UsageError("give either a project folder or a command after `--`, not both");
    }
    exec::install_interrupt_handlers();
    exec::become_subreaper();

    measure::RunPlan plan = run_plan_from(o);
    plan.command.argv = invocation.trailing;
    std::filesystem::path cwd = std::filesystem::current_path();
    std::filesystem::path root = core::find_project_root(cwd);
    // An unusable database is reported before anything runs, not after minutes of measuring.
    std::unique_ptr<history::Store> store;
    if (!o.no_record) {
        store = std::make_unique<history::Store>(
            core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root),
            history::Store::Mode::create);
    }

    history::Run run;
    run.kind = "build";
    run.command = core::join_command_line(core::redact_secrets(invocation.trailing));
    run.subject = o.name.empty() ? run.command : core::redact_secrets(o.name);
    run.folder = cwd.string();
    run.context = sys::collect_context(root);
    run.started_at = core::utc_now_iso8601();

    measure::RunResult result;
    {
        ProgressLine progress(run.subject);
        result = measure::run_plan(plan, [&](const measure::Progress& p) { progress.update(p); });
    }
    run.duration_s = result.total_wall_s;
    run.status = history::status_for(result.outcome);
    for (const measure::Iteration& iteration : result.iterations) {
        run.iterations.push_back(measure::to_iteration_record(iteration));
    }
    std::string failure = result.failure;
    if (result.outcome == measure::Outcome::interrupted) {
        failure = "interrupted after " + std::to_string(run.iterations.size()) +
                  " completed runs; the partial result is shown" +
                  (store ? " and recorded as interrupted" : "");
    }
    if (store) {
        run.id = store->record(run);
    }

    if (o.json) {
        std::cout << report::run_to_json(run, failure).dump(2) << "\n";
    } else {
        std::cout << report::render_run_table(run, failure, stdout_wants_color());
        if (store) {
            std::cout << "  recorded as run #" << run.id << " in " << store->path().string()
                      << "\n";
        }
    }
    std::cout.flush();
    invocation.exit_code = exit_code_for(result.outcome);
}

} // namespace

void register_perf_build(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfBuildOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "build", "Measure a pnpm project's install and builds, or time any command.\n"
                 "Usage: farm perf:build [OPTIONS] [DIR]\n"
                 "       farm perf:build [OPTIONS] -- COMMAND [ARGS...]");
    cmd->add_option("dir", options->dir,
                    "pnpm project to measure (default: the project root); not with `--`");
    CLI::Option* runs = cmd->add_option("-r,--runs", options->runs,
                                        "exact number of timed runs (default: fill the time "
                                        "budget; 5 for a pnpm project)")
                            ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40));
    CLI::Option* min_runs =
        cmd->add_option("-m,--min-runs", options->min_runs, "at least this many timed runs")
            ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40))
            ->excludes(runs);
    CLI::Option* max_runs =
        cmd->add_option("-M,--max-runs", options->max_runs, "at most this many timed runs")
            ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40))
            ->excludes(runs);
    CLI::Option* budget = cmd->add_option("--time-budget", options->time_budget_s,
                                          "seconds of timed runs to aim for when --runs is not "
                                          "given")
                              ->check(seconds_check())
                              ->excludes(runs)
                              ->capture_default_str();
    cmd->add_option("-w,--warmup", options->warmup, "untimed runs before the timed ones");
    cmd->add_option("-p,--prepare", options->prepare,
                    "shell command before each run, untimed (clear caches, reset state)");
    cmd->add_option("-c,--cleanup", options->cleanup, "shell command after the last run");
    cmd->add_flag("-i,--ignore-failure", options->ignore_failure,
                  "keep going when the command exits non-zero (its runs are recorded)");
    cmd->add_flag("--shell", options->shell, "run the command through `sh -c` (pipes, built-ins)");
    cmd->add_flag("--show-output", options->show_output,
                  "let the command (or pnpm) write to the terminal instead of capturing it");
    cmd->add_option("-t,--timeout", options->timeout_s,
                    "end a run after SECONDS (its whole process group: TERM, then KILL)")
        ->check(seconds_check());
    cmd->add_option("--sample-hz", options->sample_hz,
                    "process-tree sampling rate for tree RSS and CPU; 0 turns it off")
        ->check(hertz_check(1000, ZeroIs::allowed))
        ->capture_default_str();
    cmd->add_option("-n,--name", options->name,
                    "subject name in the history (default: the command line as typed)");
    cmd->add_option("--install", options->install,
                    "pnpm project: warm (node_modules removed, store kept), cold (empty store: "
                    "needs the registry), noop (node_modules kept) or none")
        ->check(CLI::IsMember({"warm", "cold", "noop", "none"}))
        ->capture_default_str();
    cmd->add_option("--script", options->script,
                    "pnpm project: the script each package builds with")
        ->capture_default_str();
    cmd->add_flag("--no-build", options->no_build, "pnpm project: measure the install only");
    cmd->add_option("--output-dir", options->output_dirs,
                    "pnpm project: a build output folder to measure (repeatable; default from "
                    "farm.config.json, else dist, build, out, .next)");
    cmd->add_option("--pnpm", options->pnpm, "the pnpm binary (default: FARM_PNPM, else PATH)");
    cmd->add_option("--config", options->config,
                    "farm config file (default: farm.config.json in the project root)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--no-record", options->no_record, "do not store this run in the history");
    cmd->add_flag("--json", options->json,
                  "print one JSON document (farm.run/1, or farm.project/1 for a pnpm project)");
    cmd->callback([options, &invocation, runs, min_runs, max_runs, budget] {
        options->run_count_given =
            runs->count() + min_runs->count() + max_runs->count() + budget->count() > 0;
        run_perf_build(*options, invocation);
    });
}

} // namespace farm::commands
