#include "commands/perf_build.hpp"

#include "commands/cli.hpp"
#include "commands/terminal.hpp"
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

namespace {

struct PerfBuildOptions {
    std::size_t runs = 0;
    std::size_t min_runs = 10;
    std::size_t max_runs = 0;
    double time_budget_s = 3.0;
    std::size_t warmup = 0;
    std::string prepare;
    std::string cleanup;
    bool ignore_failure = false;
    bool shell = false;
    bool show_output = false;
    double timeout_s = 0;
    double sample_hz = 20;
    std::string name;
    std::string db;
    bool no_record = false;
    bool json = false;
};

measure::RunPlan plan_from(const PerfBuildOptions& o, const std::vector<std::string>& command) {
    measure::RunPlan plan;
    plan.command.argv = command;
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
            throw UsageError("--max-runs " + std::to_string(o.max_runs) +
                             " is below --min-runs " + std::to_string(o.min_runs));
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

history::RunStatus status_of(measure::Outcome outcome) {
    switch (outcome) {
    case measure::Outcome::completed:
        return history::RunStatus::ok;
    case measure::Outcome::failed:
        return history::RunStatus::failed;
    case measure::Outcome::interrupted:
        return history::RunStatus::interrupted;
    }
    return history::RunStatus::ok;
}

void run_perf_build(const PerfBuildOptions& o, Invocation& invocation) {
    invocation.json = o.json;
    if (!invocation.has_trailing || invocation.trailing.empty()) {
        throw UsageError("give the command to time after `--`, for example: "
                         "farm perf:build --runs 10 -- pnpm run build");
    }
    exec::install_interrupt_handlers();
    exec::become_subreaper();

    measure::RunPlan plan = plan_from(o, invocation.trailing);
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
    run.status = status_of(result.outcome);
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
    switch (result.outcome) {
    case measure::Outcome::completed:
        invocation.exit_code = int(ExitCode::ok);
        break;
    case measure::Outcome::failed:
        invocation.exit_code = int(ExitCode::command_failed);
        break;
    case measure::Outcome::interrupted:
        invocation.exit_code = int(ExitCode::interrupted);
        break;
    }
}

} // namespace

void register_perf_build(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfBuildOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "build", "Time a command over many runs and record the result.\n"
                 "Usage: farm perf:build [OPTIONS] -- COMMAND [ARGS...]");
    CLI::Option* runs = cmd->add_option("-r,--runs", options->runs,
                                        "exact number of timed runs (default: fill the time budget)")
                            ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40));
    cmd->add_option("-m,--min-runs", options->min_runs, "at least this many timed runs")
        ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40))
        ->excludes(runs);
    cmd->add_option("-M,--max-runs", options->max_runs, "at most this many timed runs")
        ->check(CLI::Range(std::size_t(1), std::size_t(1) << 40))
        ->excludes(runs);
    cmd->add_option("--time-budget", options->time_budget_s,
                    "seconds of timed runs to aim for when --runs is not given")
        ->check(CLI::PositiveNumber)
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
                  "let the command write to the terminal instead of capturing its output");
    cmd->add_option("-t,--timeout", options->timeout_s,
                    "end a run after SECONDS (its whole process group: TERM, then KILL)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--sample-hz", options->sample_hz,
                    "process-tree sampling rate for tree RSS and CPU; 0 turns it off")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    cmd->add_option("-n,--name", options->name,
                    "subject name in the history (default: the command line as typed)");
    cmd->add_option("--db", options->db, "history database (default .farm/perf.db, or FARM_DB)");
    cmd->add_flag("--no-record", options->no_record, "do not store this run in the history");
    cmd->add_flag("--json", options->json, "print one JSON document (schema farm.run/1)");
    cmd->callback([options, &invocation] { run_perf_build(*options, invocation); });
}

} // namespace farm::commands
