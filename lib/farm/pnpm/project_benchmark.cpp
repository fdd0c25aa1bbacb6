#include "farm/pnpm/project_benchmark.hpp"

#include "farm/core/error.hpp"
#include "farm/core/redact.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/pnpm/install_run.hpp"
#include "farm/pnpm/runner_build.hpp"
#include "farm/pnpm/task_output.hpp"
#include "farm/pnpm/task_runner.hpp"
#include "farm/pnpm/toolchain.hpp"

#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>
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

std::optional<PackageOutput> measure_package_output(const ProjectBenchmarkPlan& plan,
                                                    const Package& package) {
    if (!plan.size_cache) {
        return measure_browser_output(package, plan.output_dirs, nullptr);
    }
    measure::SizeCache cache = measure::SizeCache::load(*plan.size_cache);
    PackageOutput output = measure_browser_output(package, plan.output_dirs, &cache);
    cache.save(); // a cache that cannot be written costs the next measurement time, nothing else
    return output;
}

namespace {

// Every run of one package's build script, then its output when they all completed.
PackageBuild build_package(const ProjectBenchmarkPlan& plan, const Package& package,
                           const StepProgress& progress) {
    PackageBuild build;
    build.package = &package;
    bool whole_project = &package == &plan.project.root_package;
    build.argv = whole_project
                     ? pnpm_command(plan.pnpm, {"run", *plan.script})
                     : pnpm_command(plan.pnpm, {"--filter", filter_selector(plan.project, package),
                                                "run", *plan.script});
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

// measure::RunResult::failure is "run N failed (...)", then "; its last output:\n" and the
// output's tail (stderr's, else stdout's).
std::string build_failure_message(const Package& package, const measure::RunResult& run) {
    if (run.outcome == measure::Outcome::interrupted) {
        return "build of " + package.name + " interrupted";
    }
    const std::string marker = "; its last output:\n";
    std::size_t at = run.failure.find(marker);
    std::string how = run.failure.substr(0, at);
    std::vector<std::string> own;
    if (at != std::string::npos) {
        own = own_last_lines(std::string_view(run.failure).substr(at + marker.size()),
                             shown_failure_lines);
    }
    std::string message;
    for (const std::string& line : own) {
        message += (message.empty() ? "" : "\n    ") + line;
    }
    if (message.empty()) {
        return "build of " + package.name + " failed: " + run.failure;
    }
    return "build of " + package.name + " failed: " + message + "\n    (" + how + ")";
}

namespace {

// A package whose build did not run in this call: skipped or not_run, no runs, no output.
PackageBuild unbuilt_package(const Package& package, PackageStatus status, std::string blocked_by) {
    PackageBuild build;
    build.package = &package;
    build.status = status;
    build.blocked_by = std::move(blocked_by);
    build.run.outcome = measure::Outcome::failed;
    return build;
}

// Builds `order` one package at a time. After a failure, a package that depends on a failed one
// is skipped (blocked_by names that one); the others are built with --keep-going and are not_run
// without it. An interrupt ends the call: what was not reached is not_run.
void build_in_order(const ProjectBenchmarkPlan& plan, const std::vector<const Package*>& order,
                    const StepProgress& progress, ProjectBenchmarkResult& result) {
    std::set<std::string> failed;
    for (const Package* package : order) {
        std::string blocked_by = failed_dependency(plan.project, *package, failed);
        // An interrupt, a failed install, or a failure without --keep-going ends the builds.
        bool stopped =
            exec::interrupted() || result.outcome == measure::Outcome::interrupted ||
            (result.outcome == measure::Outcome::failed && (!plan.keep_going || failed.empty()));
        if (!blocked_by.empty()) {
            result.builds.push_back(
                unbuilt_package(*package, PackageStatus::skipped, std::move(blocked_by)));
            continue;
        }
        if (stopped) {
            result.builds.push_back(unbuilt_package(*package, PackageStatus::not_run, ""));
            continue;
        }
        PackageBuild build = build_package(plan, *package, progress);
        if (build.run.outcome != measure::Outcome::completed) {
            build.status = PackageStatus::failed;
            failed.insert(package->name);
            if (result.outcome == measure::Outcome::completed ||
                build.run.outcome == measure::Outcome::interrupted) {
                result.outcome = build.run.outcome;
                result.failure = core::redact_secrets(build_failure_message(*package, build.run));
            }
        }
        result.builds.push_back(std::move(build));
    }
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
    std::optional<ScratchFolder> scratch;

    auto stop = [&](measure::Outcome outcome, const std::string& failure) {
        result.outcome = outcome;
        result.failure = core::redact_secrets(failure); // it quotes the build's own output
    };
    if (plan.install != InstallScenario::none) {
        ScratchFolder::remove_abandoned(plan.project.root);
        scratch.emplace(plan.project.root);
        result.install = run_install(plan, *scratch, progress);
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
    build_in_order(plan, order, progress, result);
    if (scratch) {
        leave_plain_node_modules(plan, *scratch, *result.install, progress);
        scratch.reset(); // waits for the background deletions
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
