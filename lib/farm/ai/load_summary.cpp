#include "farm/ai/load_summary.hpp"

#include "farm/measure/log_histogram.hpp"

#include <algorithm>
#include <chrono>

namespace farm::ai {

namespace {

constexpr double lag_floor_ms = 10;       // below this, lag is the client's own jitter
constexpr double achieved_fraction = 0.9; // of the offered rate
constexpr std::size_t min_sends_for_rate = 10;

bool is_behind(const LoadSummary& load) {
    if (!load.offered_rate) {
        return false;
    }
    double gap_ms = 1000.0 / *load.offered_rate;
    if (load.schedule_lag_ms && load.schedule_lag_ms->p90 > std::max(lag_floor_ms, gap_ms)) {
        return true;
    }
    return load.achieved_rate && load.sent >= min_sends_for_rate &&
           *load.achieved_rate < achieved_fraction * *load.offered_rate;
}

// Above this share of the measured phase in its own work, the client cannot read chunks as they
// come: latencies then include the client's queue. Over a shorter phase than the minimum the
// share is the set-up of the first requests (ten failing at once take a millisecond), not a
// queue: no verdict then.
constexpr double saturated_busy_fraction = 0.8;
constexpr double min_phase_for_saturation_s = 0.5;

void add_client_load(LoadSummary& load, const BenchmarkResult& result) {
    double phase_s = std::chrono::duration<double>(result.ended - result.started).count();
    if (phase_s <= 0 || result.loop.stretches == 0) {
        return;
    }
    load.client_threads = std::max<std::size_t>(result.loops, 1);
    load.client_cpu_pct = 100.0 * result.client_cpu_s / phase_s;
    double busy = std::min(1.0, result.loop.busy_s / phase_s);
    load.loop_busy_pct = 100.0 * busy;
    // Up to a million stretches: a histogram's fixed cost, not a sort and a bootstrap.
    measure::LogHistogram stretches;
    for (float stretch : result.loop.stretch_ms) {
        stretches.add(stretch);
    }
    if (stretches.count() > 0) {
        load.loop_lag_ms = stretches.summary();
        load.loop_lag_ms->max = std::max(load.loop_lag_ms->max, result.loop.longest_ms);
    }
    load.client_saturated = busy > saturated_busy_fraction && phase_s >= min_phase_for_saturation_s;
}

} // namespace

LoadSummary summarize_load(const BenchmarkResult& result) {
    LoadSummary load;
    if (result.offered_rate > 0) {
        load.offered_rate = result.offered_rate;
    }
    load.sent = result.sent;
    if (result.sent >= 2 && result.first_sent && result.last_sent) {
        double span_s =
            std::chrono::duration<double>(*result.last_sent - *result.first_sent).count();
        if (span_s > 0) {
            load.achieved_rate = double(result.sent - 1) / span_s;
        }
    }
    const measure::RecordSpool& requests = result.requests;
    load.schedule_lag_ms = metric_stats(requests.values("schedule_lag_ms", false));
    load.ttft_from_schedule_ms = metric_stats(requests.values("ttft_from_schedule_ms", true));
    load.e2e_from_schedule_ms = metric_stats(requests.values("e2e_from_schedule_ms", true));
    load.connect_ms = metric_stats(requests.values("connect_ms", false));
    load.cut_by_deadline = result.cut_by_deadline;
    load.not_started = result.not_started;
    load.http_versions = result.http_versions;
    load.fell_behind = is_behind(load);
    add_client_load(load, result);
    return load;
}

std::string http_versions_text(const std::map<std::string, std::size_t>& http_versions) {
    std::string text;
    for (const auto& [version, count] : http_versions) {
        text += (text.empty() ? "" : "+") + version;
    }
    return text;
}

} // namespace farm::ai
