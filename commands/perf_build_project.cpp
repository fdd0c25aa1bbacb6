// `farm perf:build [DIR]`: measures a pnpm project's install and per-package builds, records
// every subject, checks the size budgets and prints the advice.
#include "commands/cli.hpp"
#include "commands/perf_build_options.hpp"
#include "commands/progress_display.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/analysis/budgets.hpp"
#include "farm/analysis/build_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/json_file.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/history/store.hpp"
#include "farm/pnpm/project_benchmark.hpp"
#include "farm/pnpm/task_runner.hpp"
#include "farm/pnpm/toolchain.hpp"
#include "farm/report/project_view.hpp"
#include "farm/report/trace_build.hpp"
#include "farm/report/table.hpp"
#include "farm/sys/context.hpp"

#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

sys::RunContext project_context(const pnpm::Project& project, const pnpm::Toolchain& toolchain,
                                const std::string& scenario) {
    sys::RunContext context = sys::collect_context(project.root);
    context.tool_versions["pnpm"] = toolchain.pnpm_version.text;
    if (!toolchain.node_version.empty()) {
        context.tool_versions["node"] = toolchain.node_version;
    }
    if (!project.package_manager.empty()) {
        context.project["package_manager"] = project.package_manager;
    }
    if (project.lockfile) {
        context.project["lockfile_hash"] =
            core::fnv1a64_hex(core::read_text_file(*project.lockfile));
    }
    context.project["workspace_packages"] = std::to_string(project.packages.size());
    context.project["install_scenario"] = scenario;
    return context;
}

// A note when package.json asks for a pnpm major version other than the one measured.
std::string version_note(const pnpm::Project& project, const pnpm::Toolchain& toolchain) {
    std::optional<pnpm::Version> wanted = pnpm::parse_package_manager(project.package_manager);
    if (!wanted || wanted->major == toolchain.pnpm_version.major) {
        return {};
    }
    return "note: package.json asks for " + project.package_manager.substr(0, 20) +
           "; measured with pnpm " + toolchain.pnpm_version.text + "\n";
}

// The steps the progress counts: the install, then one build per package.
std::size_t planned_steps(const pnpm::ProjectBenchmarkPlan& plan) {
    std::size_t builds = plan.script ? pnpm::build_order(plan.project, *plan.script).size() : 0;
    return (plan.install == pnpm::InstallScenario::none ? 0 : 1) + builds;
}

} // namespace

void run_perf_build_project(const PerfBuildOptions& o, Invocation& invocation) {
    if (!o.prepare.empty() || !o.cleanup.empty() || !o.setup.empty() || !o.conclude.empty() ||
        !o.shell.empty() || !o.names.empty() || !o.parameter_scan.empty() ||
        !o.parameter_lists.empty() || !o.exports.empty() || !o.reference.empty() || o.counters ||
        !o.input.empty()) {
        throw UsageError("--setup, --prepare, --conclude, --cleanup, --shell, --name, --reference, "
                         "--export, --counters, --input and the parameters apply to commands "
                         "(-c, or after `--`); a pnpm project's steps are named after its "
                         "packages");
    }
    if (o.output) {
        throw UsageError("--output applies to commands (-c, or after `--`): in a pnpm project "
                         "farm reads pnpm's output itself; --show-output also shows it");
    }
    exec::install_interrupt_handlers();
    exec::become_subreaper();
    report::TraceEvents trace; // time zero of --trace: the command's start
    if (!o.trace.empty()) {
        report::check_trace_path(o.trace);
    }

    fs::path start = o.dir.empty() ? core::find_project_root(fs::current_path()) : fs::path(o.dir);
    pnpm::ProjectBenchmarkPlan plan;
    plan.project = pnpm::load_project(start);
    core::Config config = core::load_config(
        plan.project.root, o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    pnpm::Toolchain toolchain = pnpm::find_toolchain(
        o.pnpm.empty() ? std::nullopt : std::optional(o.pnpm), plan.project.root);
    plan.pnpm = toolchain.pnpm;
    plan.install = *pnpm::parse_install_scenario(o.install);
    plan.script = o.no_build ? std::nullopt : std::optional(o.script);
    plan.keep_going = o.keep_going;
    plan.output_dirs = o.output_dirs.empty() ? config.build.output_dirs : o.output_dirs;
    plan.runner =
        o.runner == "auto" ? pnpm::detect_runner(plan.project.root) : *pnpm::parse_runner(o.runner);
    plan.build_state = *pnpm::parse_build_state(o.build_state);
    plan.runs = run_plan_from(o);
    if (!o.run_count_given) {
        plan.runs.runs = 5; // installs and builds are slow: five runs unless told otherwise
    }
    plan.runs.command.keep_tree_series = !o.trace.empty();

    std::unique_ptr<history::Store> store;
    if (!o.no_record) {
        store = std::make_unique<history::Store>(
            core::resolve_db_path(o.db.empty() ? std::nullopt : std::optional(o.db),
                                  core::find_project_root(plan.project.root)),
            history::Store::Mode::create);
        plan.size_cache = store->path().parent_path() / "size-cache.json";
    }
    history::Run base;
    base.folder = plan.project.root.string();
    base.context = project_context(plan.project, toolchain, o.install);
    base.started_at = core::utc_now_iso8601();
    if (plan.script) {
        base.context.project["build_runner"] = pnpm::to_string(plan.runner);
        base.context.project["build_state"] = pnpm::to_string(plan.build_state);
    }

    pnpm::ProjectBenchmarkResult result;
    {
        StepProgress progress("perf:build", progress_mode(o.no_progress, o.show_output),
                              planned_steps(plan));
        result =
            pnpm::benchmark_project(plan, [&](const std::string& step, const measure::Progress& p) {
                progress.update(step, p);
            });
    }
    if (!o.trace.empty()) {
        report::add_project_runs(trace, result);
        report::write_trace_file(o.trace, trace);
    }
    report::ProjectReport report = report::project_runs(plan, result, base);
    std::vector<analysis::BudgetResult> budgets;
    if (result.outcome == measure::Outcome::completed && plan.script) {
        budgets = analysis::check_budgets(config.build.budgets, plan.project.root);
    }
    if (pnpm::BuildRunner configured = pnpm::detect_runner(plan.project.root);
        plan.runner == pnpm::BuildRunner::pnpm && configured != pnpm::BuildRunner::pnpm) {
        report.runner.runner = pnpm::to_string(configured); // measured without it, still there
    }
    std::vector<analysis::Advice> advice =
        analysis::advise_build(report.install, report.packages, config.thresholds, report.runner);
    if (store) {
        for (history::Run& run : report.runs) {
            run.id = store->record(run);
        }
    }

    if (o.json) {
        std::cout << report::project_to_json(plan, result, report, budgets, advice).dump(2) << "\n";
    } else {
        std::cout << "pnpm " << toolchain.pnpm_version.text << ", node "
                  << (toolchain.node_version.empty() ? "?" : toolchain.node_version) << ": "
                  << plan.project.root.string() << "\n"
                  << version_note(plan.project, toolchain) << "\n"
                  << report::render_project(plan, result, report, budgets, advice,
                                            stdout_wants_color(), stdout_width());
        if (store) {
            std::cout << report::wrap_text("  recorded " +
                                               report::count_of(report.runs.size(), "subject") +
                                               " in " + store->path().string(),
                                           stdout_width(), 2)
                      << "\n";
        }
    }
    std::cout.flush();
    bool budget_breached = std::any_of(budgets.begin(), budgets.end(),
                                       [](const analysis::BudgetResult& b) { return !b.passed; });
    invocation.exit_code = exit_code_for(result.outcome, budget_breached);
}

} // namespace farm::commands
