#include "farm/report/suite_run.hpp"

#include "farm/analysis/budgets.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/dev/browser.hpp"
#include "farm/dev/session.hpp"
#include "farm/pnpm/install_scenario.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/report/dev_record.hpp"
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

JobResult run_dev_job(const core::TestSuite& suite, const SuiteEnvironment& env) {
    dev::DevPlan plan;
    plan.services = dev::plan_services(env.config->dev, env.project_root, suite.dev.services);
    plan.runs = suite.dev.runs;
    plan.reloads = suite.dev.reloads;
    plan.duration_s = suite.dev.duration_s;
    plan.timeout_s = suite.dev.timeout_s;
    if (suite.dev.browser || !suite.dev.chromium.empty()) {
        plan.chromium = dev::find_chromium(suite.dev.chromium).string();
    }
    dev::check_ports_free(plan.services);

    history::Run base;
    base.folder = env.project_root.string();
    base.context = sys::collect_context(env.project_root);
    base.started_at = core::utc_now_iso8601();
    dev::DevResult result = dev::measure_dev(plan, [&](const dev::DevProgress& step) {
        if (env.progress) {
            env.progress(suite.name + " · " + step.text, measure::Progress{});
        }
    });
    base.duration_s = result.total_s;
    base.status = dev_run_status(result.outcome);
    JobResult job;
    job.outcome = result.outcome == dev::DevOutcome::completed     ? measure::Outcome::completed
                  : result.outcome == dev::DevOutcome::interrupted ? measure::Outcome::interrupted
                                                                   : measure::Outcome::failed;
    job.failure = result.failure;
    job.runs = dev_runs(result, base).runs;
    return job;
}

} // namespace

std::map<std::string, SuiteRunner> default_suite_runners() {
    return {
        {"build", run_build_job},
        {"dev", run_dev_job},
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
    try {
        outcome.job = runner->second(suite, environment);
    } catch (const DatabaseError&) {
        throw; // the history is broken for every suite
    } catch (const Error& e) {
        // A suite that cannot start (a port in use, no server, a missing project) fails alone:
        // the gate still reports the others and writes its JUnit file.
        outcome.job = JobResult{};
        outcome.job.outcome = measure::Outcome::failed;
        outcome.job.failure = e.what();
    }
    outcome.duration_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (outcome.skipped() || outcome.job.outcome == measure::Outcome::interrupted) {
        return outcome; // a job cut short by the user is not judged
    }
    // A failed job still fails the suite; its checks are shown beside the failure because the
    // runs it did make (the other providers of an AI suite, the runs before a failing one) say
    // how far off it was.
    outcome.checks =
        analysis::check_suite_thresholds(suite.name, suite.thresholds, outcome.job.runs);
    for (const analysis::BudgetResult& budget :
         analysis::check_budgets(suite.budgets, environment.project_root)) {
        outcome.checks.push_back(analysis::budget_check(suite.name, budget));
    }
    return outcome;
}

} // namespace farm::report
