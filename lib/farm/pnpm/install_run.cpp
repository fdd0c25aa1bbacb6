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
    for (const auto& kv : pnpm_environment()) {
        step.command.extra_env.push_back(kv);
    }
    return step;
}

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
    if (outcome.run.outcome == measure::Outcome::failed && !outcome.stats.empty() &&
        !outcome.stats.back().error_message.empty()) {
        outcome.run.failure += "\npnpm says: " + outcome.stats.back().error_message;
    }
    return outcome;
}

} // namespace farm::pnpm
