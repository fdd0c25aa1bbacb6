// perf:ai's load lines: how well the client kept to the load it was asked for
// (ai/load_summary.hpp), shown under the table, in the JSON, and as warnings when the client fell
// behind.
#include "commands/perf_ai_options.hpp"

#include "farm/core/fixed_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace farm::commands {

namespace {

// "med 12.3 p99 40.1 ms"
std::string median_p99(const ai::MetricStats& stats) {
    return "med " + core::fixed(stats.median, 1) + " p99 " + core::fixed(stats.p99, 1) + " ms";
}

// " over 2 threads"; "" for one.
std::string threads_text(const ai::LoadSummary& load) {
    return load.client_threads > 1 ? " over " + std::to_string(load.client_threads) + " threads"
                                   : "";
}

std::string load_line(const AiResultView& v) {
    const ai::LoadSummary& load = v.load;
    std::vector<std::string> parts;
    if (load.offered_rate) {
        parts.push_back("offered " + core::fixed(*load.offered_rate, 2) + " req/s, achieved " +
                        (load.achieved_rate ? core::fixed(*load.achieved_rate, 2) : "-") +
                        " req/s");
    }
    if (load.schedule_lag_ms) {
        parts.push_back("schedule lag " + median_p99(*load.schedule_lag_ms));
    }
    if (load.ttft_from_schedule_ms) {
        parts.push_back("TTFT from schedule " + median_p99(*load.ttft_from_schedule_ms));
    }
    if (load.e2e_from_schedule_ms) {
        parts.push_back("E2E from schedule " + median_p99(*load.e2e_from_schedule_ms));
    }
    if (load.connect_ms) {
        parts.push_back("connect " + median_p99(*load.connect_ms) + " (" +
                        std::to_string(load.connect_ms->count) + " new connections)");
    }
    std::string versions = ai::http_versions_text(load.http_versions);
    if (!versions.empty()) {
        parts.push_back("HTTP/" + versions);
    }
    if (load.client_cpu_pct && load.loop_busy_pct && load.loop_lag_ms) {
        parts.push_back("client CPU " + core::fixed(*load.client_cpu_pct, 0) + "% of a core" +
                        threads_text(load) + ", event loop busy " +
                        core::fixed(*load.loop_busy_pct, 0) + "%" +
                        (load.client_threads > 1 ? " (the busiest)" : "") + ", loop lag p99 " +
                        core::fixed(load.loop_lag_ms->p99, 2) + " max " +
                        core::fixed(load.loop_lag_ms->max, 1) + " ms");
    }
    if (load.cut_by_deadline > 0 || load.not_started > 0) {
        parts.push_back(std::to_string(load.cut_by_deadline) +
                        " cut by the deadline (not errors), " + std::to_string(load.not_started) +
                        " not started");
    }
    std::string line;
    for (const std::string& part : parts) {
        line += (line.empty() ? "" : " · ") + part;
    }
    return line;
}

} // namespace

std::size_t default_warmup(const ai::LoadPlan& load) {
    if (load.rate > 0) {
        double one_second = std::ceil(load.rate);
        return std::max<std::size_t>(
            1, std::min<std::size_t>(load.max_concurrency, std::size_t(std::min(one_second, 1e6))));
    }
    return std::max<std::size_t>(1, load.concurrency);
}

std::string render_load_lines(const std::vector<AiResultView>& views) {
    std::string out;
    for (const AiResultView& v : views) {
        std::string line = load_line(v);
        if (!line.empty()) {
            out += "load " + v.target.name + "/" + v.target.model + ": " + line + "\n";
        }
    }
    return out;
}

std::vector<std::string> load_warnings(const AiResultView& v) {
    std::vector<std::string> warnings;
    const ai::LoadSummary& load = v.load;
    if (load.fell_behind) {
        std::string lag =
            load.schedule_lag_ms
                ? ", schedule lag p90 " + core::fixed(load.schedule_lag_ms->p90, 1) + " ms"
                : std::string();
        warnings.push_back(
            v.target.name + "/" + v.target.model + ": the client fell behind its schedule (" +
            "achieved " + (load.achieved_rate ? core::fixed(*load.achieved_rate, 2) : "-") +
            " of " + core::fixed(load.offered_rate.value_or(0), 2) + " req/s" + lag +
            "): requests waited for a free slot (--max-concurrency) or for the client; read the "
            "latencies from the schedule");
    }
    if (load.client_saturated) {
        // A loop busy but not on a CPU was waiting for one: compare one thread's CPU with it.
        double cpu_per_thread = load.client_cpu_pct.value_or(0) / double(load.client_threads);
        warnings.push_back(
            v.target.name + "/" + v.target.model + ": farm's own event loop" +
            (load.client_threads > 1
                 ? " (the busiest of " + std::to_string(load.client_threads) + ")"
                 : "") +
            " was busy " + core::fixed(load.loop_busy_pct.value_or(0), 0) +
            "% of the run (lag p99 " +
            core::fixed(load.loop_lag_ms ? load.loop_lag_ms->p99 : 0, 1) + " ms, its own CPU " +
            core::fixed(load.client_cpu_pct.value_or(0), 0) + "% of a core" + threads_text(load) +
            (cpu_per_thread < 0.5 * load.loop_busy_pct.value_or(0)
                 ? "; most of the rest it waited for a CPU: this machine is busy with other work"
                 : "") +
            "): the client, not the server, may be the limit and latencies include its queue "
            "(--client-threads where CPUs are free, fewer streams per farm process, several "
            "processes, or a quieter machine)");
    }
    return warnings;
}

nlohmann::json load_to_json(const ai::LoadSummary& load) {
    auto optional_number = [](const std::optional<double>& value) {
        return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    };
    nlohmann::json versions = nlohmann::json::object();
    for (const auto& [version, count] : load.http_versions) {
        versions[version] = count;
    }
    return {{"offered_rate", optional_number(load.offered_rate)},
            {"achieved_rate", optional_number(load.achieved_rate)},
            {"sent", load.sent},
            {"schedule_lag_ms", stats_to_json(load.schedule_lag_ms)},
            {"ttft_from_schedule_ms", stats_to_json(load.ttft_from_schedule_ms)},
            {"e2e_from_schedule_ms", stats_to_json(load.e2e_from_schedule_ms)},
            {"connect_ms", stats_to_json(load.connect_ms)},
            {"fell_behind", load.fell_behind},
            {"cut_by_deadline", load.cut_by_deadline},
            {"not_started", load.not_started},
            {"http_versions", versions},
            {"client_threads", load.client_threads},
            {"client_cpu_pct", optional_number(load.client_cpu_pct)},
            {"loop_busy_pct", optional_number(load.loop_busy_pct)},
            {"loop_lag_ms", stats_to_json(load.loop_lag_ms)},
            {"client_saturated", load.client_saturated}};
}

} // namespace farm::commands
