#include "commands/perf_benchmark_view.hpp"

#include "commands/perf_ai.hpp"
#include "commands/terminal.hpp"

#include "farm/core/error.hpp"
#include "farm/core/fixed_text.hpp"
#include "farm/core/redact.hpp"
#include "farm/report/advice_view.hpp"
#include "farm/report/table.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace farm::commands {

namespace {

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

} // namespace

std::string level_name(bool rate_mode, double load) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, rate_mode ? "r=%g" : "c=%g", load);
    return buffer;
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

nlohmann::json benchmark_document(const std::vector<Sweep>& sweeps, bool rate_mode,
                                  const ai::Slo& slo, bool interrupted, AiSession& session,
                                  const std::vector<analysis::Recommendation>& advice) {
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
    return doc;
}

void set_exit_status(const std::vector<Sweep>& sweeps, bool rate_mode, Invocation& invocation) {
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

} // namespace farm::commands
