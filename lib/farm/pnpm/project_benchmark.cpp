#include "farm/pnpm/project_benchmark.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/pnpm/install_run.hpp"
#include "farm/pnpm/runner_build.hpp"
#include "farm/pnpm/task_runner.hpp"

#include <map>
#include <memory>
#include <unistd.h>

namespace farm::pnpm {

namespace fs = std::filesystem;

const char* to_string(BuildRunner runner) {
    switch (runner) {
    case BuildRunner::turbo:
        return "turbo";
    case BuildRunner::nx:
        return "nx";
    case BuildRunner::pnpm:
        break;
    }
    return "pnpm";
}

const char* to_string(BuildState state) {
    switch (state) {
    case BuildState::incremental:
        return "incremental";
    case BuildState::cached:
        return "cached";
    case BuildState::clean:
        break;
    }
    return "clean";
}

const char* to_string(PackageStatus status) {
    switch (status) {
    case PackageStatus::failed:
        return "failed";
    case PackageStatus::skipped:
        return "skipped";
    case PackageStatus::not_run:
        return "not_run";
    case PackageStatus::ok:
        break;
    }
    return "ok";
}

std::optional<measure::OutputSize> measure_package_output(const ProjectBenchmarkPlan& plan,
                                                          const Package& package) {
    std::vector<fs::path> folders;
    for (const std::string& dir : plan.output_dirs) {
        folders.push_back(package.dir / dir);
    }
    return measure::measure_folders(folders);
}

namespace {

// Every run of one package's build script, then its output when they all completed.
PackageBuild build_package(const ProjectBenchmarkPlan& plan, const Package& package,
                           const StepProgress& progress) {
    PackageBuild build;
    build.package = &package;
    bool whole_project = &package == &plan.project.root_package;
    build.argv = whole_project ? std::vector<std::string>{plan.pnpm, "run", *plan.script}
                               : std::vector<std::string>{plan.pnpm, "--filter", package.name,
                                                          "run", *plan.script};
    std::string label = "build " + package.name;
    measure::RunPlan step = step_plan(plan, build.argv, plan.project.root);
    if (plan.build_state == BuildState::clean) {
        step.before_each = [&](const std::string&) { clean_package_state(plan, package); };
    }
    build.run = measure::run_plan(step, [&](const measure::Progress& p) { progress(label, p); });
    if (build.run.outcome == measure::Outcome::completed) {
        build.output = measure_package_output(plan, package);
    }
    return build;
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
    if (plan.script && plan.runner == BuildRunner::turbo) {
        check_turbo_json(plan.project.root / "turbo.json"); // before a long install
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
    if (plan.script && plan.runner != BuildRunner::pnpm &&
        result.outcome == measure::Outcome::completed) {
        result.runner_build = run_runner_build(plan, progress);
        if (result.runner_build->run.outcome != measure::Outcome::completed) {
            stop(result.runner_build->run.outcome,
                 std::string(to_string(plan.runner)) +
                     " build: " + result.runner_build->run.failure);
        }
        order.clear();
    }
    for (const Package* package : order) {
        if (result.outcome != measure::Outcome::completed) {
            break;
        }
        PackageBuild build = build_package(plan, *package, progress);
        if (build.run.outcome != measure::Outcome::completed) {
            build.status = PackageStatus::failed;
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
