#include "farm/report/suite_run.hpp"

#include "farm/analysis/budgets.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/install_scenario.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/report/project_record.hpp"
#include "farm/sys/context.hpp"

#include <chrono>

namespace farm::report {

namespace fs = std::filesystem;

namespace {

measure::RunPlan run_plan_for(const core::TestSuite& suite, std::size_t default_runs) {
    measure::RunPlan plan;
    plan.runs = suite.runs ? *suite.runs : default_runs;
    plan.warmup = suite.warmup;
    plan.command.timeout_s = suite.timeout_s;
    plan.command.output = exec::OutputMode::capture;
    return plan;
}

JobResult run_command_job(const core::TestSuite& suite, const SuiteEnvironment& env) {
    measure::RunPlan plan = run_plan_for(suite, 5);
    plan.command.argv = suite.command;
    plan.command.use_shell = suite.shell;
    plan.command.cwd = env.project_root;

    history::Run run;
    run.kind = "build";
    run.subject = suite.name;
    run.command = core::join_command_line(core::redact_secrets(suite.command));
    run.folder = env.project_root.string();
    run.context = sys::collect_context(env.project_root);
    run.started_at = core::utc_now_iso8601();
    measure::RunResult result = measure::run_plan(plan, [&](const measure::Progress& p) {
        if (env.progress) {
            env.progress(suite.name, p);
        }
    });
    run.duration_s = result.total_wall_s;
    run.status = history::status_for(result.outcome);
    for (const measure::Iteration& iteration : result.iterations) {
        run.iterations.push_back(measure::to_iteration_record(iteration));
    }
    JobResult job;
    job.outcome = result.outcome;
    job.failure = result.failure;
    job.runs.push_back(std::move(run));
    return job;
}

JobResult run_project_job(const core::TestSuite& suite, const SuiteEnvironment& env) {
    pnpm::ProjectBenchmarkPlan plan;
    plan.project =
        pnpm::load_project(suite.dir.empty() ? env.project_root : env.project_root / suite.dir);
    plan.pnpm = env.pnpm;
    plan.install = *pnpm::parse_install_scenario(suite.install);
    plan.script = suite.no_build
                      ? std::nullopt
                      : std::optional<std::string>(suite.script ? *suite.script : "build");
    plan.output_dirs =
        suite.output_dirs.empty() ? env.config->build.output_dirs : suite.output_dirs;
    plan.runs = run_plan_for(suite, 5);

    history::Run base;
    base.folder = plan.project.root.string();
    base.context = sys::collect_context(plan.project.root);
    base.context.project["install_scenario"] = suite.install;
    base.started_at = core::utc_now_iso8601();
    pnpm::ProjectBenchmarkResult result =
        pnpm::benchmark_project(plan, [&](const std::string& step, const measure::Progress& p) {
            if (env.progress) {
                env.progress(suite.name + " · " + step, p);
            }
        });
    JobResult job;
    job.outcome = result.outcome;
    job.failure = result.failure;
    job.runs = project_runs(plan, result, base).runs;
    return job;
}

JobResult run_build_job(const core::TestSuite& suite, const SuiteEnvironment& env) {
    return suite.command.empty() ? run_project_job(suite, env) : run_command_job(suite, env);
}

SuiteRunner not_in_this_build(const std::string& command) {
    return [command](const core::TestSuite&, const SuiteEnvironment&) {
        JobResult job;
        job.skip_reason = command + " is not available in this build";
        return job;
    };
}

} // namespace

std::map<std::string, SuiteRunner> default_suite_runners() {
    return {
        {"build", run_build_job},
        {"dev", not_in_this_build("perf:dev")},
        {"ai", not_in_this_build("perf:ai")},
    };
}

bool SuiteOutcome::failed() const {
    return job.outcome != measure::Outcome::completed || analysis::any_failed(checks);
}

SuiteOutcome run_suite(const core::TestSuite& suite, const SuiteEnvironment& environment,
                       const std::map<std::string, SuiteRunner>& runners) {
    auto runner = runners.find(suite.kind);
    if (runner == runners.end()) {
        throw UsageError("suite '" + suite.name + "': no runner for job kind '" + suite.kind + "'");
    }
    SuiteOutcome outcome;
    outcome.name = suite.name;
    outcome.kind = suite.kind;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    outcome.job = runner->second(suite, environment);
    outcome.duration_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (outcome.skipped() || outcome.job.outcome != measure::Outcome::completed) {
        return outcome; // thresholds of a job that did not finish would judge partial numbers
    }
    outcome.checks =
        analysis::check_suite_thresholds(suite.name, suite.thresholds, outcome.job.runs);
    for (const analysis::BudgetResult& budget :
         analysis::check_budgets(suite.budgets, environment.project_root)) {
        outcome.checks.push_back(analysis::budget_check(suite.name, budget));
    }
    return outcome;
}

} // namespace farm::report
