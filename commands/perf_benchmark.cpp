// `farm perf:benchmark`: perf:ai's run at several load levels, one stored run per level.
#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "commands/perf_ai.hpp"
#include "commands/perf_ai_session.hpp"
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

struct Level {
    double load = 0;
    AiRunOutcome outcome;
    double goodput = 0;
};

struct Sweep {
    ai::Target target;
    std::vector<Level> levels;
    std::optional<ai::Knee> knee;
};

std::string level_name(bool rate_mode, double load) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, rate_mode ? "r=%g" : "c=%g", load);
    return buffer;
}

std::size_t requests_for(const PerfAiOptions& o, double load, bool rate_mode) {
    if (o.requests > 0) {
        return o.requests;
    }
    // Enough requests for the level to reach its steady state, and a bounded run.
    return std::max<std::size_t>(20, std::size_t(4 * (rate_mode ? 1.0 : load)));
}

std::string render_sweep(const Sweep& sweep, bool rate_mode, const ai::Slo& slo, bool color,
                         std::size_t width) {
    std::vector<std::string> header = {"level",      "requests",   "errors",      "error rate",
                                       "req/s",      "out tok/s",  "TTFT med ms", "TPOT med ms",
                                       "ITL med ms", "E2E med ms", "E2E p99 ms"};
    if (!slo.empty()) {
        header.push_back("goodput req/s");
    }
    report::Table table(header);
    // At 80 columns: the level, its throughput and latencies stay; the rest goes under the row.
    table.set_overflow(report::Overflow::stack);
    const int priorities[] = {0, 6, 5, 4, 0, 7, 1, 8, 9, 2, 3, 1};
    for (std::size_t c = 0; c < header.size(); ++c) {
        table.set_priority(c, priorities[c]);
    }
    double top = 0;
    for (const Level& level : sweep.levels) {
        const ai::BenchmarkSummary& s = level.outcome.view.summary;
        top = std::max(top, s.request_throughput);
        std::vector<std::string> row = {level_name(rate_mode, level.load),
                                        std::to_string(s.requests),
                                        std::to_string(s.errors),
                                        error_rate_text(s.error_rate),
                                        core::fixed(s.request_throughput, 2),
                                        core::fixed(s.output_token_throughput, 1),
                                        ms_cell(s.ttft_ms, &ai::MetricStats::median),
                                        ms_cell(s.tpot_ms, &ai::MetricStats::median),
                                        ms_cell(s.itl_ms, &ai::MetricStats::median),
                                        ms_cell(s.e2e_ms, &ai::MetricStats::median),
                                        ms_cell(s.e2e_ms, &ai::MetricStats::p99)};
        if (!slo.empty()) {
            row.push_back(core::fixed(level.goodput, 2));
        }
        table.add_row(row);
    }
    const ai::Target& t = sweep.target;
    std::string out = t.name + "/" + t.model + " (" + core::redact_secrets(t.base_url) + ")\n" +
                      table.render(color, width);
    out += "\nthroughput (bar) against median latency:\n";
    for (const Level& level : sweep.levels) {
        const ai::BenchmarkSummary& s = level.outcome.view.summary;
        std::size_t bar_width = top > 0 ? std::size_t(s.request_throughput / top * 40 + 0.5) : 0;
        std::string bar;
        for (std::size_t i = 0; i < bar_width; ++i) {
            bar += "█";
        }
        std::string name = level_name(rate_mode, level.load);
        out += "  " + name + std::string(name.size() < 8 ? 8 - name.size() : 1, ' ') + bar +
               std::string(41 - bar_width, ' ') + core::fixed(s.request_throughput, 2) +
               " req/s  " +
               (s.e2e_ms ? core::fixed(s.e2e_ms->median, 1) + " ms" : std::string("-")) + "\n";
    }
    if (!sweep.knee) {
        out += "knee: needs at least two levels\n";
    } else {
        const Level& knee = sweep.levels[sweep.knee->index];
        const ai::BenchmarkSummary& s = knee.outcome.view.summary;
        std::string at = level_name(rate_mode, knee.load) + " (" +
                         core::fixed(s.request_throughput, 2) + " req/s, median e2e " +
                         (s.e2e_ms ? core::fixed(s.e2e_ms->median, 1) + " ms" : std::string("-")) +
                         ")";
        out += sweep.knee->beyond_range
                   ? "knee: not reached up to " + at +
                         ": throughput still grows >= 10% per level with latency < +50%\n"
                   : "knee: " + at + ": past it throughput grows < 10% or median latency >= +50%\n";
    }
    if (!slo.empty()) {
        out += "goodput: requests per second meeting every SLO (" + ai::to_string(slo) + ")\n";
    }
    return out;
}

nlohmann::json sweep_to_json(const Sweep& sweep, bool rate_mode) {
    nlohmann::json levels = nlohmann::json::array();
    for (const Level& level : sweep.levels) {
        levels.push_back(
            {{rate_mode ? "rate" : "concurrency", level.load},
             {"goodput", level.goodput},
             {"error_rate", level.outcome.view.summary.error_rate
                                ? nlohmann::json(*level.outcome.view.summary.error_rate)
                                : nlohmann::json(nullptr)},
             {"meeting_slo", level.outcome.meeting_slo},
             {"result", result_to_json(level.outcome.view)}});
    }
    nlohmann::json knee = nullptr;
    if (sweep.knee) {
        knee = {{rate_mode ? "rate" : "concurrency", sweep.levels[sweep.knee->index].load},
                {"index", sweep.knee->index},
                {"beyond_range", sweep.knee->beyond_range}};
    }
    return {{"provider", sweep.target.name},
            {"model", sweep.target.model},
            {"levels", levels},
            {"knee", knee}};
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
        nlohmann::json list = nlohmann::json::array();
        for (const Sweep& sweep : sweeps) {
            list.push_back(sweep_to_json(sweep, rate_mode));
        }
        nlohmann::json slo_json = nullptr;
        if (!slo.empty()) {
            slo_json = nlohmann::json::object();
            for (auto [name, value] : {std::pair{"ttft_ms", slo.ttft_ms},
                                       {"itl_ms", slo.itl_ms},
                                       {"tpot_ms", slo.tpot_ms},
                                       {"e2e_ms", slo.e2e_ms}}) {
                if (value) {
                    slo_json[name] = *value;
                }
            }
        }
        nlohmann::json doc = {{"schema", "farm.benchmark/1"},
                              {"mode", rate_mode ? "rate" : "concurrency"},
                              {"operation", std::string(ai::to_string(session.operation()))},
                              {"slo", slo_json},
                              {"interrupted", interrupted},
                              {"sweeps", list},
                              {"advice", report::advice_to_json(advice)}};
        doc["workload"] = session.workload().facts();
        std::cout << doc.dump(2) << "\n";
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
    std::string failures;
    bool any_success = false;
    for (const Sweep& sweep : sweeps) {
        for (const Level& level : sweep.levels) {
            const AiResultView& view = level.outcome.view;
            if (view.verdict == "failing") {
                std::cerr << "farm: " << view.target.name << "/" << view.target.model << " "
                          << level_name(rate_mode, level.load) << ": error rate "
                          << error_rate_text(view.summary.error_rate) << " is above "
                          << error_rate_text(view.error_rate_max)
                          << " (ai.thresholds.error_rate)\n";
                invocation.exit_code = int(ExitCode::check_failed);
            }
            if (view.summary.succeeded > 0) {
                any_success = true;
                continue;
            }
            if (failures.empty()) {
                failures = failure_summary(level.outcome.view);
            }
        }
    }
    if (any_success) {
        return;
    }
    std::cerr << "farm: error: " << (failures.empty() ? "nothing was measured" : failures) << "\n";
    invocation.exit_code = int(ExitCode::command_failed);
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
