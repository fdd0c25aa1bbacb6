// `farm perf:build -c CMD [-c CMD...]` and `farm perf:build -- CMD ARGS`: times the commands
// (interleaved, or one after the other), prints each one's table and how fast they were relative
// to each other, then stores them (a result is printed before it is stored, so that a failure to
// store never loses it) and writes the --export files.
#include "commands/cli.hpp"
#include "commands/perf_build_batch.hpp"
#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/counters.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/record_or_keep.hpp"
#include "farm/history/store.hpp"
#include "farm/report/batch_view.hpp"
#include "farm/report/run_view.hpp"
#include "farm/report/trace_build.hpp"
#include "farm/report/table.hpp"
#include "farm/sys/context.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <random>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

// 16 hexadecimal digits, shared by the runs of one call.
std::string new_batch_id() {
    std::random_device device;
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%08x%08x", unsigned(device()), unsigned(device()));
    return buffer;
}

// What to try after a run's non-zero exit, as hyperfine says it: farm stops at a failed run
// unless told that the exit is expected, and by default the command's output went nowhere.
std::string failure_hint(const measure::RunResult& result, const measure::RunPlan& plan) {
    if (result.outcome != measure::Outcome::failed || result.iterations.empty() ||
        result.iterations.back().process.succeeded()) {
        return "";
    }
    std::string hint = "\n  To go on: `-i` (--ignore-failure) counts a non-zero exit as a run";
    if (plan.command.output == exec::OutputMode::null) {
        hint += "; `--show-output` shows what the command printed (it went to /dev/null)";
    }
    return hint + ".";
}

std::vector<history::Run> runs_of(const CommandsPlan& plan,
                                  const std::vector<measure::RunResult>& results,
                                  const history::Run& base, std::vector<std::string>& failures) {
    std::vector<history::Run> runs;
    bool batch = plan.commands.size() > 1;
    std::string batch_id = batch ? new_batch_id() : "";
    for (std::size_t i = 0; i < plan.commands.size(); ++i) {
        const measure::RunResult& result = results[i];
        history::Run run = base;
        run.command = plan.commands[i].shown;
        run.subject = plan.commands[i].subject;
        run.parameters = plan.commands[i].parameters;
        run.shell_overhead_s = plan.shell_overhead_s;
        run.batch_id = batch_id;
        if (batch && plan.batch.interleave) {
            run.order_seed = plan.batch.seed;
        }
        run.duration_s = result.total_wall_s;
        run.status = history::status_for(result.outcome);
        for (const measure::Iteration& iteration : result.iterations) {
            run.iterations.push_back(measure::to_iteration_record(iteration));
        }
        std::string failure = result.failure;
        if (result.outcome == measure::Outcome::interrupted) {
            failure = "interrupted after " + std::to_string(run.iterations.size()) +
                      " completed runs; the partial result is shown";
        }
        if (run.status != history::RunStatus::ok) {
            run.failure = failure; // the history keeps what happened, not farm's advice
        }
        failures.push_back(failure + failure_hint(result, plan.batch.commands[i]));
        runs.push_back(std::move(run));
    }
    return runs;
}

// Interrupted above failed above completed: the exit code of the whole call.
measure::Outcome worst_outcome(const std::vector<measure::RunResult>& results) {
    measure::Outcome worst = measure::Outcome::completed;
    for (const measure::RunResult& result : results) {
        if (result.outcome == measure::Outcome::interrupted) {
            return result.outcome;
        }
        if (result.outcome == measure::Outcome::failed) {
            worst = result.outcome;
        }
    }
    return worst;
}

std::string order_note(const CommandsPlan& plan) {
    if (plan.commands.size() < 2) {
        return "";
    }
    if (!plan.batch.interleave) {
        return "Each command's runs in one block, in the order given (--no-interleave).\n";
    }
    return "Interleaved: each round ran every command once, in an order shuffled with seed " +
           std::to_string(plan.batch.seed) + " (--seed " + std::to_string(plan.batch.seed) +
           " repeats it).\n";
}

std::string render_text(const CommandsPlan& plan, const std::vector<history::Run>& runs,
                        const std::vector<std::string>& failures,
                        const std::optional<report::RelativeBlock>& relative) {
    std::string out;
    bool color = stdout_wants_color();
    std::size_t width = stdout_width();
    for (std::size_t i = 0; i < runs.size(); ++i) {
        out += (i > 0 ? "\n" : "") + report::render_run_table(runs[i], failures[i], color, width);
    }
    if (runs.size() > 1) {
        out += "\n" + report::wrap_text(order_note(plan), width, 2);
    }
    if (relative) {
        out += "\n" + report::render_relative(runs, *relative, width);
    } else if (std::string why = report::why_no_relative(runs, plan.reference); !why.empty()) {
        out += "\n" + report::wrap_text(why, width, 2);
    }
    return out;
}

// With --counters: opens the hardware counters for every command's runs, and says what the user
// gets: nothing to say when all is counted, else why not or what is left out.
std::string open_counters(const PerfBuildOptions& o, exec::TreeCounters& counters,
                          CommandsPlan& plan) {
    if (!o.counters) {
        return "";
    }
    if (std::optional<std::string> refused = counters.open()) {
        return "counters not available: " + *refused;
    }
    for (measure::RunPlan& command : plan.batch.commands) {
        command.command.counters = &counters;
    }
    return counters.user_space_only()
               ? "counters: user space only (the kernel's perf_event_paranoid allows no more)"
               : "";
}

// The database, opened before anything runs so that an unusable one is reported at once.
std::unique_ptr<history::Store> open_store(const PerfBuildOptions& o, const fs::path& db_path) {
    if (o.no_record) {
        return nullptr;
    }
    return std::make_unique<history::Store>(db_path, history::Store::Mode::create);
}

} // namespace

void run_perf_build_commands(const PerfBuildOptions& o, Invocation& invocation) {
    // First of all: a signal that comes before the handlers is lost where farm was started with
    // SIGINT ignored (a background job of a script), and farm would then run to the end.
    exec::install_interrupt_handlers();
    exec::become_subreaper();
    report::TraceEvents trace; // time zero of --trace: the command's start
    CommandsPlan plan = plan_commands(o, invocation);
    check_export_files(o.exports);
    if (!o.trace.empty()) {
        report::check_trace_path(o.trace);
        for (measure::RunPlan& command : plan.batch.commands) {
            command.command.keep_tree_series = true;
        }
    }
    fs::path cwd = fs::current_path();
    fs::path root = core::find_project_root(cwd);
    // Read strictly, as in the project mode: a broken or missing --config is an error here too.
    core::load_config(root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    fs::path db_path =
        core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db), root);
    std::unique_ptr<history::Store> store = open_store(o, db_path);

    if (!plan.shell.empty()) {
        plan.shell_overhead_s = measure_shell_overhead(plan.shell);
        for (measure::RunPlan& command : plan.batch.commands) {
            command.shell_overhead_s = *plan.shell_overhead_s;
        }
    }
    exec::TreeCounters counters;
    std::string counters_note = open_counters(o, counters, plan);
    history::Run base;
    base.kind = "build";
    base.folder = cwd.string();
    base.context = sys::collect_context(root);
    base.started_at = core::utc_now_iso8601();

    std::vector<measure::RunResult> results;
    {
        bool on_terminal = o.show_output || o.output.value_or("") == "inherit";
        ProgressDisplay progress("perf:build", progress_mode(o.no_progress, on_terminal));
        // The bar and the time left cover every command; the label is the one running now.
        std::vector<std::optional<measure::Progress>> latest(plan.commands.size());
        results = measure::run_batch(plan.batch, [&](std::size_t c, const measure::Progress& p) {
            latest[c] = p;
            report::ProgressSnapshot snapshot = report::run_progress(plan.commands[c].subject, p);
            if (latest.size() > 1) {
                report::CombinedRuns all = report::combine_runs(latest);
                snapshot.fraction = all.fraction;
                snapshot.remaining_s = all.remaining_s;
            }
            progress.show(std::move(snapshot));
        });
    }
    if (!o.trace.empty()) {
        std::vector<std::string> names;
        for (const auto& command : plan.commands) {
            names.push_back(command.subject);
        }
        report::add_command_runs(trace, names, results);
        report::write_trace_file(o.trace, trace);
    }
    std::vector<std::string> failures;
    std::vector<history::Run> runs = runs_of(plan, results, base, failures);
    std::optional<report::RelativeBlock> relative = report::relative_block(runs, plan.reference);

    history::RecordOutcome stored;
    if (!o.json) {
        std::cout << render_text(plan, runs, failures, relative);
        if (!counters_note.empty()) {
            std::cout << "\n" << report::wrap_text(counters_note, stdout_width(), 2) << "\n";
        }
        std::cout.flush();
    }
    if (store) {
        stored = history::record_or_keep(db_path, runs, store.get());
    }
    if (o.json) {
        nlohmann::json document;
        if (runs.size() == 1) {
            document = report::run_to_json(runs[0], failures[0]);
        } else {
            document = report::batch_to_json({&runs, &failures, &relative, plan.batch.interleave});
        }
        if (o.counters) {
            document["counters"] = {{"available", counters.is_open()},
                                    {"user_space_only", counters.user_space_only()},
                                    {"note", counters_note}};
        }
        document["recorded"] = stored.recorded;
        document["unsaved_file"] = stored.unsaved_file.empty()
                                       ? nlohmann::json(nullptr)
                                       : nlohmann::json(stored.unsaved_file.string());
        std::cout << document.dump(2) << "\n";
    } else if (store && stored.recorded) {
        std::string where = runs.size() == 1 ? "as run #" + std::to_string(runs[0].id)
                                             : report::count_of(runs.size(), "run");
        std::cout << report::wrap_text("  recorded " + where + " in " + store->path().string(),
                                       stdout_width(), 2)
                  << "\n";
    }
    std::cout.flush();
    export_runs(o.exports, runs);
    invocation.exit_code = exit_code_for(worst_outcome(results));
    if (store && !stored.recorded) {
        std::cerr << "farm: " << stored.error << "\n";
        if (!stored.unsaved_file.empty()) {
            std::cerr << "farm: the runs were kept in " << stored.unsaved_file.string()
                      << "; `farm perf:report --import " << stored.unsaved_file.string()
                      << "` stores them later\n";
        }
        invocation.exit_code = int(ExitCode::usage);
    }
}

} // namespace farm::commands
