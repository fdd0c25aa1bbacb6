#include "farm/pnpm/runner_build.hpp"

#include "farm/core/error.hpp"
#include "farm/core/input_file.hpp"
#include "farm/core/redact.hpp"
#include "farm/core/text.hpp"
#include "farm/pnpm/install_run.hpp"
#include "farm/pnpm/nx_profile.hpp"
#include "farm/pnpm/output_dirs.hpp"
#include "farm/pnpm/task_output.hpp"
#include "farm/pnpm/task_runner.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace farm::pnpm {

namespace fs = std::filesystem;

namespace {

// Where `nx run-many` writes its profile: relative, since Nx joins it to its working folder.
const char* const nx_profile_name = "node_modules/.cache/farm-nx-profile.json";

void remove_quietly(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
}

// Every *.tsbuildinfo under `dir`, node_modules and .git not searched.
void remove_tsbuildinfo(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (it->is_directory(ec) && (name == "node_modules" || name == ".git")) {
            it.disable_recursion_pending();
        } else if (it->path().extension() == ".tsbuildinfo" && it->is_regular_file(ec)) {
            found.push_back(it->path());
        }
    }
    for (const fs::path& file : found) {
        remove_quietly(file);
    }
}

// The JSON files in `folder` now.
std::set<fs::path> json_files_in(const fs::path& folder) {
    std::set<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        if (it->path().extension() == ".json") {
            files.insert(it->path());
        }
    }
    return files;
}

// Finds the record each run left, attributing to run k what appeared between the start of run k
// and the start of the next run (or the end of the loop): run_plan has no hook after a run.
class RecordCollector {
  public:
    RecordCollector(const ProjectBenchmarkPlan& plan)
        : m_plan(plan), m_output(plan.runner == BuildRunner::nx ? TaskOutput::Format::nx
                                                                : TaskOutput::Format::turbo) {}

    void start(const std::string& iteration) {
        finish_pending();
        m_before = json_files_in(runs_folder());
        m_output.clear();
        m_pending = iteration;
    }

    // A piece of the runner's stdout in the run now going.
    void see_stdout(std::string_view piece) { m_output.feed(piece); }

    void finish_pending() {
        if (m_pending.empty()) {
            return;
        }
        std::string label = std::move(m_pending);
        m_pending.clear();
        try {
            RunSummary summary = read_record();
            add_own_lines(summary);
            m_found[label] = std::move(summary);
        } catch (const Error& e) {
            m_problems[label] = e.what();
        }
    }

    std::optional<RunSummary> summary(const std::string& iteration) const {
        auto it = m_found.find(iteration);
        return it == m_found.end() ? std::nullopt : std::optional(it->second);
    }
    std::string problem(const std::string& iteration) const {
        auto it = m_problems.find(iteration);
        return it == m_problems.end() ? "the runner wrote no record of this run" : it->second;
    }

  private:
    fs::path runs_folder() const { return m_plan.project.root / ".turbo" / "runs"; }

    RunSummary read_record() {
        if (m_plan.runner == BuildRunner::nx) {
            fs::path file = m_plan.project.root / nx_profile_name;
            if (!fs::exists(file)) {
                throw Error("nx wrote no task profile (" + file.string() + ")");
            }
            std::string text = core::read_input_file(file, "Nx task profile");
            remove_quietly(file);
            return parse_nx_profile(text, file);
        }
        std::set<fs::path> now = json_files_in(runs_folder());
        std::optional<fs::path> newest;
        fs::file_time_type newest_time{};
        for (const fs::path& file : now) {
            std::error_code ec;
            fs::file_time_type time = fs::last_write_time(file, ec);
            if (!m_before.count(file) && !ec && (!newest || time > newest_time)) {
                newest = file;
                newest_time = time;
            }
        }
        if (!newest) {
            throw Error("turbo wrote no run summary in " + runs_folder().string());
        }
        std::string text = core::read_input_file(*newest, "turbo run summary");
        for (const fs::path& file : now) {
            if (!m_before.count(file)) {
                remove_quietly(file); // farm's runs made them
            }
        }
        return parse_turbo_summary(text, *newest);
    }

    // The runner's record says only that a task failed (Nx) or how its command ended (turbo);
    // the task's own lines are in the runner's stdout.
    void add_own_lines(RunSummary& summary) const {
        for (TaskTiming& t : summary.tasks) {
            if (!t.failed()) {
                continue;
            }
            std::vector<std::string> lines =
                m_output.own_lines(t.package + ":" + t.task, shown_failure_lines);
            if (!lines.empty()) {
                t.error = core::redact_secrets(core::join(lines, "\n")); // JSON and history show it
                t.error_is_own_output = true;
            }
        }
    }

    const ProjectBenchmarkPlan& m_plan;
    TaskOutput m_output;
    std::set<fs::path> m_before;
    std::string m_pending;
    std::map<std::string, RunSummary> m_found;
    std::map<std::string, std::string> m_problems;
};

// The failed tasks of the newest summary, in the runner's words.
std::string failed_tasks(const RunSummary& summary) {
    std::string out;
    for (const TaskTiming& t : summary.tasks) {
        if (t.failed()) {
            out += "\n" + t.id + " failed" + (t.error.empty() ? "" : ": " + t.error);
        }
    }
    return out;
}

// A failed build told by its failed tasks' own lines first (RecordCollector put them in each
// task's error), then how the run ended; the runner's stderr, which the run's failure quotes,
// names the tasks and nothing more. Empty when the runner printed no lines of any failed task.
std::string failure_in_own_words(const std::string& run_failure, const RunSummary& summary) {
    std::string out;
    bool own_lines = false;
    for (const TaskTiming& t : summary.tasks) {
        if (t.failed()) {
            own_lines = own_lines || t.error_is_own_output;
            std::string error = t.error;
            for (std::size_t at = 0; (at = error.find('\n', at)) != std::string::npos; at += 5) {
                error.replace(at, 1, "\n    ");
            }
            out += (out.empty() ? "" : "\n") + t.id + " failed: " + error;
        }
    }
    if (!own_lines) {
        return {};
    }
    return out + "\n    (" + run_failure.substr(0, run_failure.find("; its last output:")) + ")";
}

// The folders `clean` removes as a package's output: the configured ones, else the folder found
// for its framework (.next/static, dist, .output/public, ...), else dist, where a TypeScript
// library's tsc writes. Never an unknown package's build/ or out/: they may be its sources.
std::vector<std::string> output_folders_to_clean(const ProjectBenchmarkPlan& plan,
                                                 const Package& package) {
    if (!plan.output_dirs.empty()) {
        return plan.output_dirs;
    }
    OutputPlace place = locate_output(package, {});
    return place.framework.empty() ? std::vector<std::string>{"dist"} : place.folders;
}

} // namespace

void clean_package_state(const ProjectBenchmarkPlan& plan, const Package& package) {
    for (const std::string& dir : output_folders_to_clean(plan, package)) {
        remove_quietly(package.dir / dir);
    }
    remove_quietly(package.dir / ".next" / "cache");
    remove_quietly(package.dir / "node_modules" / ".cache");
    remove_quietly(package.dir / "node_modules" / ".vite");
    remove_quietly(package.dir / ".vite");
    remove_tsbuildinfo(package.dir);
}

void clean_workspace_state(const ProjectBenchmarkPlan& plan) {
    for (const Package* package : build_order(plan.project, plan.script.value_or("build"))) {
        if (package != &plan.project.root_package) {
            clean_package_state(plan, *package);
        }
    }
    remove_quietly(plan.project.root / ".turbo" / "cache");
    remove_quietly(plan.project.root / "node_modules" / ".cache");
}

RunnerBuild run_runner_build(const ProjectBenchmarkPlan& plan, const StepProgress& progress) {
    RunnerBuild build;
    if (plan.runner == BuildRunner::turbo) {
        check_turbo_json(plan.project.root / "turbo.json");
    }
    fs::path binary = find_runner_binary(plan.project.root, plan.runner);
    std::string script = plan.script.value_or("build");
    build.argv = runner_argv(binary, plan.runner, script, plan.build_state, plan.keep_going);

    measure::RunPlan run = step_plan(plan, build.argv, plan.project.root);
    for (const auto& kv : runner_environment()) {
        run.command.extra_env.push_back(kv);
    }
    if (plan.runner == BuildRunner::nx) {
        run.command.extra_env.emplace_back("NX_PROFILE", nx_profile_name);
    }
    if (plan.build_state == BuildState::cached) {
        run.warmup = std::max<std::size_t>(run.warmup, 1); // fills the cache
    }
    auto collector = std::make_shared<RecordCollector>(plan);
    run.command.on_stdout = [collector](std::string_view piece) { collector->see_stdout(piece); };
    run.before_each = [collector, &plan](const std::string& iteration) {
        collector->finish_pending();
        if (plan.build_state == BuildState::clean) {
            clean_workspace_state(plan);
        }
        collector->start(iteration);
    };
    std::string label = std::string(to_string(plan.runner)) + " run " + script;
    build.run = measure::run_plan(run, [&](const measure::Progress& p) { progress(label, p); });
    collector->finish_pending();
    for (const measure::Iteration& iteration : build.run.iterations) {
        std::string key = std::to_string(iteration.index);
        build.summaries.push_back(collector->summary(key));
        if (!build.summaries.back()) {
            build.summary_problems.push_back("run " + std::to_string(iteration.index + 1) + ": " +
                                             collector->problem(key));
        }
    }
    if (build.run.outcome == measure::Outcome::completed) {
        for (const Package* package : build_order(plan.project, script)) {
            if (package != &plan.project.root_package) {
                build.outputs.emplace_back(package, measure_package_output(plan, *package));
            }
        }
    }
    if (build.run.outcome == measure::Outcome::failed && !build.summaries.empty() &&
        build.summaries.back()) {
        std::string own = failure_in_own_words(build.run.failure, *build.summaries.back());
        build.run.failure =
            own.empty() ? build.run.failure + failed_tasks(*build.summaries.back()) : own;
    }
    return build;
}

} // namespace farm::pnpm
