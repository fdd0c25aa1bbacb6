// `farm perf:benchmark`: perf:ai's run at several load levels, one stored run per level.
#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/perf_ai.hpp"
#include "commands/perf_ai_session.hpp"
#include "commands/perf_benchmark_view.hpp"
#include "commands/terminal.hpp"
#include "commands/terminal_width.hpp"
#include "farm/core/atomic_file.hpp"
#include "farm/core/error.hpp"
#include "farm/core/fixed_text.hpp"
#include "farm/core/redact.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/export_html_sweep.hpp"
#include "farm/report/table.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>

namespace farm::commands {

namespace {

struct PerfBenchmarkOptions {
    PerfAiOptions ai;
    std::string concurrency_levels = "1,2,4,8,16,32";
    std::string rates;
    std::string slo;
    std::string export_svg;
};

std::size_t requests_for(const PerfAiOptions& o, double load, bool rate_mode) {
    if (o.requests > 0) {
        return o.requests;
    }
    // Enough requests for the level to reach its steady state, and a bounded run.
    return std::max<std::size_t>(20, std::size_t(4 * (rate_mode ? 1.0 : load)));
}

// The subject without its "/c=4" or "/r=2" level: what one piece of advice is about.
std::string subject_without_level(const std::string& subject) {
    std::size_t slash = subject.rfind('/');
    if (slash != std::string::npos && subject.size() > slash + 2 &&
        (subject[slash + 1] == 'c' || subject[slash + 1] == 'r') && subject[slash + 2] == '=') {
        return subject.substr(0, slash);
    }
    return subject;
}

// Each piece of advice once: the levels of a sweep are subjects of their own, and the same rule
// firing at several of them is one finding (the first, in priority order), which names the
// other levels it was also seen at and keeps all their evidence.
std::vector<analysis::Recommendation> once_per_rule(std::vector<analysis::Recommendation> all) {
    std::vector<analysis::Recommendation> out;
    std::vector<std::vector<std::string>> also;
    for (analysis::Recommendation& r : all) {
        std::string key = r.rule + "\n" + subject_without_level(r.subject);
        auto same = std::find_if(out.begin(), out.end(), [&](const analysis::Recommendation& o) {
            return o.rule + "\n" + subject_without_level(o.subject) == key;
        });
        if (same == out.end()) {
            out.push_back(std::move(r));
            also.emplace_back();
            continue;
        }
        std::size_t at = std::size_t(same - out.begin());
        same->evidence_runs.insert(same->evidence_runs.end(), r.evidence_runs.begin(),
                                   r.evidence_runs.end());
        std::size_t slash = r.subject.rfind('/');
        also[at].push_back(slash == std::string::npos ? r.subject : r.subject.substr(slash + 1));
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (!also[i].empty()) {
            std::string levels;
            for (const std::string& level : also[i]) {
                levels += (levels.empty() ? "" : ", ") + level;
            }
            out[i].finding += " (also at " + levels + ")";
        }
    }
    return out;
}

// --export FILE.svg: the throughput-versus-latency curve of each sweep, the HTML report's chart.
void export_curves(const std::string& file, const std::vector<Sweep>& sweeps, bool rate_mode) {
    std::vector<report::SweepCurve> curves;
    for (const Sweep& sweep : sweeps) {
        report::SweepCurve curve;
        curve.title = sweep.target.name + "/" + sweep.target.model + ": throughput against latency";
        for (const Level& level : sweep.levels) {
            const ai::BenchmarkSummary& s = level.outcome.view.summary;
            curve.points.push_back({level_name(rate_mode, level.load), s.request_throughput,
                                    s.e2e_ms ? s.e2e_ms->median : 0});
        }
        curves.push_back(std::move(curve));
    }
    core::write_file_atomically(file, report::sweep_svg_document(curves));
    std::cerr << "farm: wrote " << file << "\n";
}

void run_perf_benchmark(const PerfBenchmarkOptions& o, Invocation& invocation) {
    invocation.json = o.ai.json;
    bool rate_mode = !o.rates.empty();
    if (!o.export_svg.empty() && !report::is_svg_file(o.export_svg)) {
        throw UsageError("--export " + o.export_svg +
                         ": perf:benchmark writes its throughput-latency curve as SVG; give a "
                         "file name ending in .svg");
    }
    std::vector<double> loads =
        rate_mode ? ai::parse_levels(o.rates, "--rates", false)
                  : ai::parse_levels(o.concurrency_levels, "--concurrency-levels", true);
    ai::Slo slo = o.slo.empty() ? ai::Slo{} : ai::parse_slo(o.slo);
    AiSession session(o.ai, describe_command("perf:benchmark", o.ai));
    for (const std::string& note : session.notes()) {
        std::cerr << "farm: " << note << "\n";
    }
    if (!o.ai.json) {
        std::cerr << "farm: workload: " << session.workload().describe() << "\n";
    }
    std::vector<Sweep> sweeps;
    bool interrupted = false;
    std::deque<ai::LiveCounts> counts; // one per level; outlives the display that reads them
    ProgressDisplay progress("perf:benchmark", progress_mode(o.ai.no_progress));
    std::size_t levels = session.targets().size() * loads.size();
    for (const ai::Target& target : session.targets()) {
        Sweep sweep;
        sweep.target = target;
        for (double load : loads) {
            ai::LoadPlan plan;
            plan.requests = requests_for(o.ai, load, rate_mode);
            plan.concurrency = rate_mode ? 1 : std::size_t(load);
            plan.rate = rate_mode ? load : 0;
            plan.max_concurrency = o.ai.max_concurrency;
            std::string name = level_name(rate_mode, load);
            if (!o.ai.json) {
                progress.note("farm: " + target.name + "/" + target.model + " " + name + ": " +
                              std::to_string(plan.requests) + " requests...");
            }
            ai::LiveCounts& live = counts.emplace_back();
            follow_requests(progress,
                            "level " + std::to_string(counts.size()) + "/" +
                                std::to_string(levels) + " (" + name + ")",
                            live, plan, o.ai.duration_s, counts.size(), levels);
            Level level;
            level.load = load;
            level.outcome =
                session.run(target, plan, rate_mode ? "rate" : "concurrency",
                            core::fixed(load, rate_mode ? 3 : 0), "/" + name, &slo, &live);
            double wall = level.outcome.view.summary.wall_s;
            level.goodput = wall > 0 ? double(level.outcome.meeting_slo) / wall : 0;
            interrupted = level.outcome.interrupted;
            for (const std::string& warning : load_warnings(level.outcome.view)) {
                progress.note("farm: warning: " + name + ": " + warning);
            }
            sweep.levels.push_back(std::move(level));
            if (interrupted) {
                break;
            }
        }
        std::vector<ai::SweepPoint> points;
        for (const Level& level : sweep.levels) {
            const ai::BenchmarkSummary& s = level.outcome.view.summary;
            points.push_back({level.load, s.request_throughput, s.e2e_ms ? s.e2e_ms->median : 0});
        }
        sweep.knee = ai::find_knee(points);
        sweeps.push_back(std::move(sweep));
        if (interrupted) {
            break;
        }
    }
    progress.finish();
    session.finish();
    if (!o.export_svg.empty()) {
        export_curves(o.export_svg, sweeps, rate_mode);
    }
    std::vector<analysis::Recommendation> advice = once_per_rule(session.advice());

    if (o.ai.json) {
        std::cout
            << benchmark_document(sweeps, rate_mode, slo, interrupted, session, advice).dump(2)
            << "\n";
    } else {
        bool color = stdout_wants_color();
        for (const Sweep& sweep : sweeps) {
            std::cout << render_sweep(sweep, rate_mode, slo, color, stdout_width()) << "\n";
            std::vector<AiResultView> views;
            for (const Level& level : sweep.levels) {
                views.push_back(level.outcome.view);
            }
            std::cout << render_ai_errors(views);
        }
        std::cout << session.gpu_line();
        if (session.recording()) {
            std::cout << "recorded in " << session.db_path() << " (one run per level)\n";
        }
        if (!advice.empty()) {
            std::cout << "\nAdvice:\n" << report::render_advice(advice, color, stdout_width());
        }
    }
    std::cout.flush();
    if (interrupted) {
        invocation.exit_code = int(ExitCode::interrupted);
        return;
    }
    set_exit_status(sweeps, rate_mode, invocation);
}

} // namespace

void register_perf_benchmark(CLI::App& perf, Invocation& invocation) {
    auto options = std::make_shared<PerfBenchmarkOptions>();
    options->ai.requests = 0;
    CLI::App* cmd = perf.add_subcommand(
        "benchmark", "Sweep AI load levels: throughput against latency, the knee, goodput.");
    add_ai_target_options(*cmd, options->ai);
    cmd->add_option("-n,--requests", options->ai.requests,
                    "measured requests per level (default: 4 x the concurrency, at least 20)")
        ->check(whole_number_check(1, 100'000'000));
    CLI::Option* levels =
        cmd->add_option("--concurrency-levels", options->concurrency_levels,
                        "concurrency levels to sweep (listed in increasing order)")
            ->capture_default_str();
    cmd->add_option("--rates", options->rates,
                    "request rates (requests/s, Poisson arrivals) to sweep instead, e.g. 1,2,5")
        ->excludes(levels);
    cmd->add_option("--max-concurrency", options->ai.max_concurrency,
                    "with --rates: at most this many requests in flight")
        ->check(whole_number_check(1, 10'000))
        ->capture_default_str();
    cmd->add_option("--slo", options->slo,
                    "service-level objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2e=5s");
    cmd->add_option("--export", options->export_svg,
                    "write the throughput-versus-latency curve to FILE.svg");
    cmd->add_flag("--json", options->ai.json, "print one JSON document (farm.benchmark/1)");
    cmd->callback([options, &invocation] { run_perf_benchmark(*options, invocation); });
}

} // namespace farm::commands
