#include "farm/pnpm/install_run.hpp"

#include "farm/core/error.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <map>
#include <memory>
#include <unistd.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

ScratchFolder::ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "farm-pnpm-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create a temporary folder for the pnpm store");
    }
    m_path = pattern;
}

ScratchFolder::~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

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

InstallOutcome run_install(const ProjectBenchmarkPlan& plan, const fs::path& scratch,
                           const StepProgress& progress) {
    InstallStep step = plan_install(plan.project, plan.pnpm, plan.install, scratch);
    measure::RunPlan run_plan = step_plan(plan, step.argv, plan.project.root);
    if (step.needs_priming) {
        run_plan.warmup = std::max<std::size_t>(run_plan.warmup, 1);
    }
    // One parser per run, found by its FARM_ITERATION label; warm-ups' parsers are dropped.
    auto parsers = std::make_shared<std::map<std::string, InstallLogParser>>();
    auto current = std::make_shared<InstallLogParser*>(nullptr);
    run_plan.before_each = [parsers, current,
                            reset = step.reset_before_each](const std::string& iteration) {
        for (const fs::path& folder : reset) {
            std::error_code ec;
            fs::remove_all(folder, ec);
        }
        *current = &(*parsers)[iteration];
    };
    auto feed = [current](std::string_view bytes) {
        if (*current) {
            (*current)->feed(bytes);
        }
    };
    run_plan.command.on_stdout = feed;
    run_plan.command.on_stderr = feed;

    std::string label = std::string("install (") + to_string(plan.install) + ")";
    InstallOutcome outcome;
    outcome.argv = step.argv;
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

} // namespace farm::pnpm
