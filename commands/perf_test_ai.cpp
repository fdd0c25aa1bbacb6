#include "commands/perf_test_ai.hpp"

#include "farm/ai/length_distribution.hpp"

#include "commands/perf_ai_options.hpp"
#include "commands/perf_ai_session.hpp"
#include "farm/core/text.hpp"
#include "farm/sys/context.hpp"
#include "farm/sys/nvml.hpp"

#include <chrono>

namespace farm::commands {

namespace {

// The providers to load: every configured one with --ai-providers, else the suite's, else the
// first configured one; with none configured, the servers answering on the usual local ports.
std::vector<std::string> provider_names(const core::TestSuite& suite,
                                        const report::SuiteEnvironment& env) {
    const std::vector<core::AiProviderConfig>& configured = env.config->ai.providers;
    std::vector<std::string> names;
    if (env.ai_providers) {
        for (const core::AiProviderConfig& p : configured) {
            names.push_back(p.name);
        }
    } else if (!suite.ai.providers.empty()) {
        names = suite.ai.providers;
    } else if (!configured.empty()) {
        names.push_back(configured.front().name);
    }
    if (names.empty()) {
        names.push_back(""); // resolve_targets probes the local ports
    }
    return names;
}

PerfAiOptions options_for(const core::TestSuite& suite, const std::string& provider) {
    PerfAiOptions o;
    o.provider = provider;
    o.model = suite.ai.model;
    o.operation = suite.ai.operation;
    o.prompt = suite.ai.prompt;
    o.max_tokens = suite.ai.max_tokens;
    o.timeout_s = suite.ai.timeout_s;
    o.input_len = suite.ai.input_len;
    o.output_len = suite.ai.output_len;
    o.seed = suite.ai.seed;
    return o;
}

ai::LoadPlan load_plan(const core::TestAiLoad& load) {
    ai::LoadPlan plan;
    plan.requests = load.requests;
    plan.concurrency = load.concurrency;
    plan.warmup = load.warmup;
    plan.deadline_s = load.duration_s;
    plan.loops = ai::default_loops(plan);
    return plan;
}

} // namespace

report::JobResult run_ai_suite(const core::TestSuite& suite, const report::SuiteEnvironment& env) {
    std::vector<ai::Target> targets;
    for (const std::string& name : provider_names(suite, env)) {
        for (ai::Target& target : resolve_targets(options_for(suite, name), *env.config).targets) {
            targets.push_back(std::move(target));
        }
    }
    ai::Operation operation = ai::parse_operation(suite.ai.operation);
    // The lengths' syntax, named by the suite's keys rather than by the options they stand for.
    for (const auto& [key, text] : {std::pair{"input_len", suite.ai.input_len},
                                    std::pair{"output_len", suite.ai.output_len}}) {
        if (!text.empty()) {
            ai::parse_length_distribution(text, "suite '" + suite.name + "' " + key);
        }
    }
    std::shared_ptr<const ai::Workload> workload = resolve_workload(options_for(suite, ""));
    for (const ai::Target& target : targets) {
        ai::wire_format(target.type, operation); // TGI embed: refused before anything is sent
    }
    sys::RunContext context = sys::collect_context(env.project_root);
    std::string gpu_name = sys::gpu_context_label(sys::Nvml::open());
    std::vector<std::string> command = {"farm", "perf:test", "--suite", suite.name};

    struct Step {
        const core::TestAiLoad* load;
        std::string suffix;
    };
    std::vector<Step> steps = {{&suite.ai.check, ""}};
    if (env.load) {
        steps.push_back({&suite.ai.load, "@load"});
    }
    report::JobResult job;
    for (const ai::Target& target : targets) {
        for (const Step& step : steps) {
            ai::BenchmarkPlan plan;
            plan.target = target;
            plan.operation = operation;
            plan.workload = workload;
            plan.load = load_plan(*step.load);
            std::string label = suite.name + " · " + target.name + "/" + target.model + "/" +
                                std::string(ai::to_string(operation)) + step.suffix;
            if (env.progress) {
                env.progress(label + ": " + std::to_string(plan.load.requests) + " requests at " +
                                 "concurrency " + std::to_string(plan.load.concurrency),
                             measure::Progress{});
            }
            history::Run run;
            run.command = core::join_command_line(command);
            run.folder = env.project_root.string();
            run.context = context;
            run.started_at = core::utc_now_iso8601();
            ai::BenchmarkResult result = ai::run_benchmark(plan);
            run.duration_s = std::chrono::duration<double>(result.ended - result.started).count();
            bool any_ok = result.requests.succeeded() > 0;
            fill_ai_run(run, target, operation, result, "concurrency",
                        std::to_string(plan.load.concurrency), gpu_name,
                        workload_suffix(*workload) + step.suffix);
            add_workload_facts(run, *workload);
            // A suite's runs are checked against its thresholds before they are stored: held
            // in memory, as a suite's bounded request count allows.
            run.iterations = result.requests.records();
            if (!run.iterations.empty()) {
                job.runs.push_back(std::move(run));
            }
            if (result.interrupted) {
                job.outcome = measure::Outcome::interrupted;
                job.failure = "interrupted";
                return job;
            }
            if (!any_ok) {
                job.outcome = measure::Outcome::failed;
                job.failure += std::string(job.failure.empty() ? "" : "; ") +
                               failure_summary(target.base_url, result.first_error);
            }
        }
    }
    return job;
}

} // namespace farm::commands
