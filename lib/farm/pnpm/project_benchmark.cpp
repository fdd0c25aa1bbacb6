#include "farm/pnpm/project_benchmark.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <map>
#include <memory>
#include <unistd.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// A temporary folder for the cold scenario's store and cache, removed when done.
class ScratchFolder {
  public:
    ScratchFolder() {
        std::string pattern = (fs::temp_directory_path() / "farm-pnpm-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw Error("cannot create a temporary folder for the pnpm store");
        }
        m_path = pattern;
    }
    ~ScratchFolder() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

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

} // namespace

ProjectBenchmarkResult benchmark_project(const ProjectBenchmarkPlan& plan,
                                         const StepProgress& progress) {
    std::vector<const Package*> order;
    if (plan.script) {
        order = build_order(plan.project, *plan.script);
        if (order.empty()) {
            throw UsageError("no package of " + plan.project.root.string() + " has a \"" +
                             *plan.script +
                             "\" script: name another with --script NAME, or "
                             "measure only the install with --no-build");
        }
    }
    ProjectBenchmarkResult result;
    bool had_lockfile = fs::exists(plan.project.root / "pnpm-lock.yaml");
    ScratchFolder scratch;

    auto stop = [&](measure::Outcome outcome, const std::string& failure) {
        result.outcome = outcome;
        result.failure = failure;
    };
    if (plan.install != InstallScenario::none) {
        result.install = run_install(plan, scratch.path(), progress);
        if (result.install->run.outcome != measure::Outcome::completed) {
            stop(result.install->run.outcome, "install: " + result.install->run.failure);
        }
    }
    for (const Package* package : order) {
        if (result.outcome != measure::Outcome::completed) {
            break;
        }
        PackageBuild build;
        build.package = package;
        bool whole_project = package == &plan.project.root_package;
        build.argv = whole_project ? std::vector<std::string>{plan.pnpm, "run", *plan.script}
                                   : std::vector<std::string>{plan.pnpm, "--filter", package->name,
                                                              "run", *plan.script};
        std::string label = "build " + package->name;
        build.run = measure::run_plan(step_plan(plan, build.argv, plan.project.root),
                                      [&](const measure::Progress& p) { progress(label, p); });
        if (build.run.outcome == measure::Outcome::completed) {
            std::vector<fs::path> folders;
            for (const std::string& dir : plan.output_dirs) {
                folders.push_back(package->dir / dir);
            }
            build.output = measure::measure_folders(folders);
        } else {
            stop(build.run.outcome, "build of " + package->name + ": " + build.run.failure);
        }
        result.builds.push_back(std::move(build));
    }
    if (!had_lockfile && fs::exists(plan.project.root / "pnpm-lock.yaml")) {
        std::error_code ec;
        fs::remove(plan.project.root / "pnpm-lock.yaml", ec);
        result.removed_created_lockfile = !ec;
    }
    if (exec::interrupted()) {
        result.outcome = measure::Outcome::interrupted;
    }
    return result;
}

} // namespace farm::pnpm
