// How well the client kept to the load it was asked for: the open-loop figures of a benchmark
// beside its latency summary (benchmark_summary.hpp).
//
// Definitions (docs/metrics.md, "AI load"):
// - offered_rate: the --rate asked for (requests/s); absent at fixed concurrency.
// - achieved_rate: measured requests sent, less one, over the time from the first send to the
//   last (the rate the server saw arrive); absent with fewer than two sends.
// - schedule_lag_ms: per request, handed to curl - scheduled arrival (rate mode); here its
//   statistics over every recorded request, failed ones included (the lag is the client's).
// - ttft_from_schedule_ms, e2e_from_schedule_ms: TTFT and E2E from the scheduled arrival,
//   over the successful requests (rate mode).
// - connect_ms: connection set-up of the requests that opened a new connection.
// - fell_behind: in rate mode, when the p90 schedule lag is above the larger of 10 ms and one
//   mean gap (1/offered_rate), or the achieved rate is below 90% of the offered one (at least
//   ten sends): the latencies then understate what a user arriving on schedule would wait.
// - cut_by_deadline, not_started: requests running when --duration passed, and never sent.
#pragma once

#include "farm/ai/benchmark.hpp"
#include "farm/ai/benchmark_summary.hpp"

#include <map>
#include <optional>
#include <string>

namespace farm::ai {

struct LoadSummary {
    std::optional<double> offered_rate;
    std::optional<double> achieved_rate;
    std::size_t sent = 0;
    std::optional<MetricStats> schedule_lag_ms;
    std::optional<MetricStats> ttft_from_schedule_ms;
    std::optional<MetricStats> e2e_from_schedule_ms;
    std::optional<MetricStats> connect_ms;
    bool fell_behind = false;
    std::size_t cut_by_deadline = 0;
    std::size_t not_started = 0;
    std::map<std::string, std::size_t> http_versions;
    // The client itself (docs/metrics.md, "The client's own load"): its loop threads' CPU as a
    // percentage of one core over the measured phase (summed: two busy threads make 200), the
    // share of the phase its busiest event loop was busy, and the loops' lag (the busy stretches:
    // how late a chunk could be read at most).
    std::size_t client_threads = 1;
    std::optional<double> client_cpu_pct;
    std::optional<double> loop_busy_pct;
    std::optional<MetricStats> loop_lag_ms;
    bool client_saturated = false; // busy > 80% of a phase of 0.5 s or more: the client may be
                                   // the limit
};

LoadSummary summarize_load(const BenchmarkResult& result);

// The HTTP version(s) the requests were answered in: "1.1", "2", "1.1+2"; "" for none.
std::string http_versions_text(const std::map<std::string, std::size_t>& http_versions);

} // namespace farm::ai
