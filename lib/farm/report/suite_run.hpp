// `farm perf:test`: runs the suites of farm.config.json's `test` section through the same
// library entry points the measuring commands use (measure::run_plan for a command,
// pnpm::benchmark_project and project_runs for a pnpm project), then checks each suite's
// thresholds and budgets. Recording the runs and rendering the verdicts are left to the caller.
//
// Each kind of job has a runner in a table (kind -> function): build and dev here, ai added by
// the command (it shares perf:ai's server resolution). A suite whose job fails (its command
// exits non-zero, times out, a service never gets ready, a port is taken, a server is not
// there) fails, with the reason; the other suites still run. An interrupt stops at once.
#pragma once

#include "farm/analysis/suite_thresholds.hpp"
#include "farm/core/config.hpp"
#include "farm/history/run.hpp"
#include "farm/measure/runner.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace farm::report {

// What a runner is given, besides the suite.
struct SuiteEnvironment {
    const core::Config* config = nullptr;
    std::filesystem::path project_root;
    std::string pnpm;          // the pnpm binary for pnpm projects
    bool ai_providers = false; // --ai-providers: every configured provider
    bool load = false;         // --load: the AI load test
    // Step name ("suite-name", "suite-name · build @example/web") and the run loop's progress.
    std::function<void(const std::string& step, const measure::Progress&)> progress;
};

// What a runner gives back: the runs to record and how the job ended.
struct JobResult {
    std::vector<history::Run> runs;
    measure::Outcome outcome = measure::Outcome::completed;
    std::string failure;     // why the job failed
    std::string skip_reason; // set by a runner that did not run the job at all
};

using SuiteRunner = std::function<JobResult(const core::TestSuite&, const SuiteEnvironment&)>;

// kind -> runner: "build" (a command or a pnpm project) and "dev" (the dev services).
std::map<std::string, SuiteRunner> default_suite_runners();

struct SuiteOutcome {
    std::string name;
    std::string kind;
    JobResult job;
    std::vector<analysis::CheckResult> checks;
    double duration_s = 0;
    bool skipped() const { return !job.skip_reason.empty(); }
    bool failed() const; // the job failed or a check failed
};

// Runs one suite and checks it. Throws farm::UsageError for a kind with no runner at all, and
// farm::DatabaseError as it comes; any other farm::Error of the job fails the suite.
SuiteOutcome run_suite(const core::TestSuite& suite, const SuiteEnvironment& environment,
                       const std::map<std::string, SuiteRunner>& runners);

} // namespace farm::report
