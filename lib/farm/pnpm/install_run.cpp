#include "farm/pnpm/install_run.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/pnpm/install_state.hpp"
#include "farm/pnpm/store_location.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <cstdlib>
#include <map>
#include <memory>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// The scenario's state reset: node_modules folders and the cold store go to the scratch folder's
// background deletion; without a lockfile, the lockfile the previous run wrote is removed.
std::function<void()> reset_action(const ProjectBenchmarkPlan& plan, ScratchFolder& scratch,
                                   std::vector<fs::path> reset) {
    fs::path created_lockfile = plan.project.root / "pnpm-lock.yaml";
    bool lockfile_is_ours = !plan.project.lockfile;
    return [&scratch, reset = std::move(reset), created_lockfile, lockfile_is_ours] {
        for (const fs::path& path : reset) {
            std::error_code ec;
            if (path == created_lockfile) {
                if (lockfile_is_ours) {
                    fs::remove(path, ec);
                }
            } else {
                scratch.discard(path);
            }
        }
    };
}

// One untimed install (priming, or the plain install after the last run), with its progress.
measure::RunResult run_untimed(const ProjectBenchmarkPlan& plan, std::vector<std::string> argv,
                               std::function<void()> reset, const std::string& label,
                               const StepProgress& progress, InstallLogParser* log = nullptr) {
    measure::RunPlan once = step_plan(plan, std::move(argv), plan.project.root);
    if (log) { // pnpm's ndjson, read as it comes (an output tail could miss its warnings)
        auto feed = [log](std::string_view bytes) { log->feed(bytes); };
        once.command.on_stdout = feed;
        once.command.on_stderr = feed;
    }
    once.runs = 1;
    once.warmup = 0;
    once.before_each = [reset = std::move(reset)](const std::string&) {
        if (reset) {
            reset();
        }
    };
    return measure::run_plan(once, [&](const measure::Progress& p) { progress(label, p); });
}

// The store pnpm uses now for this project; empty when pnpm does not say.
fs::path current_store(const ProjectBenchmarkPlan& plan) {
    Toolchain toolchain;
    toolchain.pnpm = plan.pnpm;
    std::optional<StoreLocation> location = locate_store(toolchain, plan.project.root);
    return location ? location->store : fs::path();
}

bool store_needs_priming(const ProjectBenchmarkPlan& plan) {
    InstalledState state = read_installed_state(plan.project);
    if (!plan.project.lockfile || !state.installed) {
        return true; // no need to ask pnpm where its store is
    }
    // The store the last install recorded is the one pnpm uses now unless the environment or the
    // project's settings name another: asking pnpm (`pnpm store path`, one Node.js start) would
    // only cost time. Where they name another, or one farm cannot resolve, pnpm is asked.
    EnvironmentReader get = [](const char* name) { return std::getenv(name); };
    std::optional<fs::path> recorded = recorded_store_if_current(
        state, named_stores(plan.project.root, get), plan.project.root, get);
    return needs_priming(state, plan.project, plan.install,
                         recorded ? *recorded : current_store(plan));
}

} // namespace

measure::RunPlan step_plan(const ProjectBenchmarkPlan& plan, std::vector<std::string> argv,
                           const fs::path& cwd) {
    measure::RunPlan step = plan.runs;
    step.command.argv = std::move(argv);
    step.command.use_shell = false;
    step.command.cwd = cwd;
    for (const auto& kv : pnpm_environment(plan.pnpm)) {
        step.command.extra_env.push_back(kv);
    }
    return step;
}

namespace {

// The failure of an install in words: the run's own line, what the output said that was not
// pnpm's ndjson event stream (a script's message), and pnpm's error (message, package, hint).
// The warnings join it when the failed run left no stats behind (the priming install), since the
// report shows them from the stats otherwise.
std::string install_failure_in_words(const std::string& failure, const InstallStats& stats,
                                     bool with_warnings) {
    static const std::string marker = "; its last output:\n";
    std::size_t at = failure.find(marker);
    std::string out = failure.substr(0, at);
    if (at != std::string::npos) {
        std::string tail = failure.substr(at + marker.size());
        if (tail.starts_with("...")) { // cut to its last bytes: the first line is a fragment
            std::size_t newline = tail.find('\n');
            tail = newline == std::string::npos ? std::string() : tail.substr(newline + 1);
        }
        std::string words = without_ndjson_lines(tail);
        if (!words.empty()) {
            out += marker + words;
        }
    }
    std::string error = stats.error_in_words();
    if (!error.empty()) {
        out += "\npnpm says: " + error;
    }
    if (with_warnings) {
        for (const InstallWarning& warning : stats.warnings()) {
            out += "\n" + warning.text;
        }
    }
    return out;
}

} // namespace

InstallOutcome run_install(const ProjectBenchmarkPlan& plan, ScratchFolder& scratch,
                           const StepProgress& progress) {
    InstallStep step = plan_install(plan.project, plan.pnpm, plan.install, scratch.path());
    std::function<void()> reset = reset_action(plan, scratch, step.reset_before_each);
    std::string label = std::string("install (") + to_string(plan.install) + ")";
    InstallOutcome outcome;
    outcome.argv = step.argv;
    outcome.resolves_each_run = step.resolves_each_run;

    if (step.needs_priming && store_needs_priming(plan)) {
        outcome.primed = true;
        InstallLogParser parser;
        measure::RunResult priming =
            run_untimed(plan, step.priming_argv, reset,
                        std::string("install (") + to_string(plan.install) + ", priming, untimed)",
                        progress, &parser);
        if (priming.outcome != measure::Outcome::completed) {
            outcome.run.outcome = priming.outcome;
            parser.finish();
            outcome.run.failure = "the priming install (untimed, it fills the store) failed: " +
                                  install_failure_in_words(priming.failure, parser.stats(), true);
            return outcome;
        }
    }

    measure::RunPlan run_plan = step_plan(plan, step.argv, plan.project.root);
    // One parser per run, found by its FARM_ITERATION label; warm-ups' parsers are dropped.
    auto parsers = std::make_shared<std::map<std::string, InstallLogParser>>();
    auto current = std::make_shared<InstallLogParser*>(nullptr);
    run_plan.before_each = [parsers, current, reset](const std::string& iteration) {
        reset();
        *current = &(*parsers)[iteration];
    };
    auto feed = [current](std::string_view bytes) {
        if (*current) {
            (*current)->feed(bytes);
        }
    };
    run_plan.command.on_stdout = feed;
    run_plan.command.on_stderr = feed;

    outcome.run =
        measure::run_plan(run_plan, [&](const measure::Progress& p) { progress(label, p); });
    for (const measure::Iteration& iteration : outcome.run.iterations) {
        InstallLogParser& parser = (*parsers)[std::to_string(iteration.index)];
        parser.finish();
        outcome.stats.push_back(parser.stats());
    }
    // The run that failed may be the priming warm-up, which has no place in outcome.stats.
    if (outcome.run.outcome == measure::Outcome::failed && *current) {
        (*current)->finish();
        outcome.run.failure = install_failure_in_words(outcome.run.failure, (*current)->stats(),
                                                       outcome.stats.empty());
    }
    return outcome;
}

void leave_plain_node_modules(const ProjectBenchmarkPlan& plan, ScratchFolder& scratch,
                              InstallOutcome& install, const StepProgress& progress) {
    InstallStep step = plan_install(plan.project, plan.pnpm, plan.install, scratch.path());
    if (!step.reinstall_after) {
        return;
    }
    std::function<void()> discard_node_modules = [&] {
        for (const fs::path& folder : node_modules_folders(plan.project)) {
            scratch.discard(folder);
        }
    };
    if (exec::interrupted() || install.run.outcome != measure::Outcome::completed) {
        discard_node_modules();
        install.after_note = "node_modules removed: it was linked to farm's scratch store or "
                             "incomplete (run `pnpm install` to install it again)";
        return;
    }
    measure::RunResult plain =
        run_untimed(plan, plain_install_argv(plan.project, plan.pnpm), discard_node_modules,
                    "install (plain, untimed)", progress);
    if (plain.outcome == measure::Outcome::completed) {
        install.after_note = "node_modules installed again from your own store (untimed), as a "
                             "plain `pnpm install` leaves it";
    } else {
        discard_node_modules();
        install.after_note = "node_modules removed: the plain install after the " +
                             std::string(to_string(plan.install)) + " runs failed (" +
                             plain.failure + "); run `pnpm install` to install it again";
    }
}

} // namespace farm::pnpm
