#include "commands/perf_ai.hpp"

#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/perf_ai_session.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "commands/time_options.hpp"
#include "farm/ai/sweep.hpp"
#include "farm/core/error.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/table.hpp"

#include <CLI/CLI.hpp>
#include <deque>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

ai::LoadPlan load_plan_from(const PerfAiOptions& o) {
    ai::LoadPlan load;
    load.requests = o.requests;
    load.concurrency = o.concurrency;
    load.rate = o.rate;
    load.max_concurrency = o.max_concurrency;
    return load;
}

void run_perf_ai(const PerfAiOptions& o, const std::vector<std::string>& argv,
                 Invocation& invocation) {
    invocation.json = o.json;
    ai::Slo slo = o.slo.empty() ? ai::Slo{} : ai::parse_slo(o.slo);
    AiSession session(o, argv);
    for (const std::string& note : session.notes()) {
        std::cerr << "farm: " << note << "\n";
    }
    if (!o.json) {
        std::cerr << "farm: workload: " << session.workload().describe() << "\n";
    }
    ai::LoadPlan load = load_plan_from(o);
    std::string load_key = o.rate > 0 ? "rate" : "concurrency";
    std::string load_value = o.rate > 0 ? std::to_string(o.rate) : std::to_string(o.concurrency);

    std::vector<AiResultView> views;
    bool interrupted = false;
    std::deque<ai::LiveCounts> counts; // one per server; outlives the display that reads them
    ProgressDisplay progress("perf:ai", progress_mode(o.no_progress));
    std::size_t servers = session.targets().size();
    for (const ai::Target& target : session.targets()) {
        std::string name = target.name + "/" + target.model;
        if (!o.json) {
            progress.note("farm: " + name + "/" + std::string(ai::to_string(session.operation())) +
                          ": " + std::to_string(o.requests) + " requests at " + load_key + " " +
                          load_value + "...");
        }
        ai::LiveCounts& live = counts.emplace_back();
        follow_requests(progress, servers > 1 ? name : "", live, load, o.duration_s, counts.size(),
                        servers);
        AiRunOutcome outcome = session.run(target, load, load_key, load_value, "", &slo, &live);
        views.push_back(std::move(outcome.view));
        if (outcome.interrupted) {
            interrupted = true;
            break;
        }
    }
    progress.finish();
    session.finish();
    for (const AiResultView& v : views) {
        for (const std::string& warning : load_warnings(v)) {
            std::cerr << "farm: warning: " << warning << "\n";
        }
    }
    std::vector<analysis::Recommendation> advice = session.advice();

    if (o.json) {
        nlohmann::json results = nlohmann::json::array();
        for (const AiResultView& v : views) {
            results.push_back(result_to_json(v));
        }
        nlohmann::json doc = {{"schema", "farm.ai/1"},
                              {"gpu_name", session.gpu_name()},
                              {"interrupted", interrupted},
                              {"results", results},
                              {"advice", report::advice_to_json(advice)}};
        doc["workload"] = session.workload().facts();
        std::cout << doc.dump(2) << "\n";
    } else {
        bool color = stdout_wants_color();
        for (const AiResultView& v : views) {
            std::cout << render_ai_summary(v) << "\n";
        }
        std::size_t width = stdout_width();
        std::cout << render_ai_table(views, color, width);
        std::string lines = render_ai_errors(views) + render_load_lines(views) +
                            session.gpu_line();
        if (session.recording()) {
            lines += "recorded in " + session.db_path() + "\n";
        }
        std::cout << report::wrap_text(lines, width, 2);
        if (!advice.empty()) {
            std::cout << "\nAdvice:\n" << report::render_advice(advice, color, width);
        }
        if (interrupted) {
            std::cout << "interrupted: the requests that ended are shown"
                      << (session.recording() ? " and recorded as interrupted" : "") << "\n";
        }
    }
    std::cout.flush();
    if (interrupted) {
        invocation.exit_code = int(ExitCode::interrupted);
        return;
    }
    bool all_failed = !views.empty();
    for (const AiResultView& v : views) {
        all_failed = all_failed && v.summary.succeeded == 0;
    }
    if (all_failed) {
        std::string message;
        for (const AiResultView& v : views) {
            message += (message.empty() ? "" : "; ") + failure_summary(v);
        }
        // The results are already printed (a JSON document included): say why, exit 3.
        std::cerr << "farm: error: " << message << "\n";
        invocation.exit_code = int(ExitCode::command_failed);
        return;
    }
    // Some requests failed, more than the error-rate line allows: a failed check, exit 1.
    for (const AiResultView& v : views) {
        if (v.verdict == "failing") {
            std::cerr << "farm: " << v.target.name << "/" << v.target.model << ": error rate "
                      << error_rate_text(v.summary.error_rate) << " is above "
                      << error_rate_text(v.error_rate_max) << " (ai.thresholds.error_rate)\n";
            invocation.exit_code = int(ExitCode::check_failed);
        }
    }
}

} // namespace

void register_perf_ai(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfAiOptions>();
    CLI::App* cmd = perf.add_subcommand(
        "ai", "Benchmark AI providers: TTFT, ITL, TPOT, end-to-end latency, tokens/s, errors.");
    add_ai_target_options(*cmd, *options);
    cmd->add_option("-n,--requests", options->requests, "measured requests per provider")
        ->check(whole_number_check(1, 100'000'000))
        ->capture_default_str();
    CLI::Option* concurrency =
        cmd->add_option("-c,--concurrency", options->concurrency, "requests in flight at once")
            ->check(whole_number_check(1, 10'000))
            ->capture_default_str();
    cmd->add_option("--rate", options->rate,
                    "requests per second, open loop: Poisson arrivals (see --burstiness) that "
                    "keep their schedule (instead of --concurrency)")
        ->check(hertz_check(1e6))
        ->excludes(concurrency);
    cmd->add_option("--max-concurrency", options->max_concurrency,
                    "with --rate: at most this many requests in flight")
        ->check(whole_number_check(1, 10'000))
        ->capture_default_str();
    cmd->add_option("--slo", options->slo,
                    "service-level objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2e=5s");
    cmd->add_flag("--json", options->json, "print one JSON document (farm.ai/1)");
    cmd->callback([options, &invocation] {
        run_perf_ai(*options, describe_command("perf:ai", *options), invocation);
    });
}

} // namespace farm::commands
