// The one data model of the history: a run has a kind ("build", "install", "dev", "ai", ...), a
// subject (what was measured), the context it was measured in, a status, and per-iteration named
// metrics with units. Reports, comparisons and exports work on runs of every kind through this
// shape alone.
#pragma once

#include "farm/measure/sample.hpp"
#include "farm/measure/stats.hpp"
#include "farm/sys/context.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace farm::history {

enum class RunStatus { ok, failed, interrupted };

const char* to_string(RunStatus status);
// Throws farm::DatabaseError for a value farm never writes.
RunStatus run_status_from_string(const std::string& text);

// How a run loop's outcome is recorded.
RunStatus status_for(measure::Outcome outcome);

struct Run {
    std::int64_t id = 0; // assigned by Store::record
    std::string kind;
    std::string subject;
    std::string command;    // as typed, secrets redacted
    std::string folder;     // where it ran
    std::string started_at; // ISO 8601 UTC with milliseconds
    double duration_s = 0;  // the whole run, warm-ups and helpers included
    RunStatus status = RunStatus::ok;
    sys::RunContext context;
    std::vector<measure::IterationRecord> iterations;
    // The commands timed together in one `perf:build -c A -c B` call share a batch id; empty for a
    // run measured alone.
    std::string batch_id;
    // The seed that shuffled the order of an interleaved batch's commands in each round.
    std::optional<std::uint64_t> order_seed;
    // {NAME} values of a parameter scan or list, in the order the parameters were given.
    std::vector<std::pair<std::string, std::string>> parameters;
    // With --shell: the shell's own start-up (median of empty runs), already subtracted from
    // wall_s of every iteration.
    std::optional<double> shell_overhead_s;
    // For a run imported from a hyperfine result: the content hash of that result, so that the
    // same file imported again adds nothing. Empty for a run farm measured.
    std::string import_digest;
    // Why a failed or interrupted run ended, in words: the failing step or package, its last
    // lines, how it ended. Empty for a completed run. Store::record masks secrets in it and keeps
    // at most max_failure_bytes of it.
    std::string failure;
};

inline constexpr std::size_t max_failure_bytes = 4096;

// All values of one metric over a run's iterations, with their summary.
struct MetricSeries {
    std::string name;
    std::string unit;
    std::vector<double> values; // in iteration order; empty when only the summary was loaded
    measure::Summary summary;
};

// Groups a run's per-iteration metrics by name, in the order the metrics first appear.
// Non-finite values are not measurements: they are left out (and a metric with no finite value
// at all has no series).
std::vector<MetricSeries> series_of(const std::vector<measure::IterationRecord>& iterations);

// A run as reports list it: its identity and context, and each metric's summary.
struct RunOverview {
    std::int64_t id = 0;
    std::string kind;
    std::string subject;
    std::string command;
    std::string started_at;
    RunStatus status = RunStatus::ok;
    std::string git_commit;
    std::string git_branch;
    bool git_dirty = false;
    std::vector<std::pair<std::string, std::string>> parameters; // {NAME} values, given order
    std::vector<MetricSeries> metrics;                           // summaries only
    double duration_s = 0; // the whole run (an AI run: its first request sent -> last ended)
    // Why a failed or interrupted run ended ("exit code 3 in run 1 of 1"), where a report
    // loaded it (report::load_trends does for each subject's newest failure); else empty.
    std::string failure_reason;
    // What the call said of a failed or interrupted run (Run::failure), as Store::recent_runs
    // loads it for every run; empty for runs recorded before schema 5.
    std::string failure_message;

    const MetricSeries* metric(const std::string& name) const;
    // The figure a person reads first, which comparisons, geometric means and the default
    // report use: the first metric recorded, except for output sizes ("size" runs), where it is
    // the brotli-compressed bytes (what a browser downloads), not the number of files.
    // nullptr for a run without metrics.
    const MetricSeries* primary_metric() const;
};

// The name of the per-request 0/1 flag AI runs record ("failed") and of the rate reports show
// in its place ("error_rate", unit "ratio").
inline constexpr const char* failed_flag_metric = "failed";
inline constexpr const char* error_rate_series = "error_rate";

// The share of a run's requests that failed: failed / sent, counted from its "failed" flags
// (their mean times their count is the number that failed); nullopt without that series. Never
// a median of the flags, which reads 0 until more than half of the requests fail.
std::optional<double> error_rate_of(const MetricSeries& failed_flags);

// Replaces the run's "failed" flags by one "error_rate" series holding error_rate_of them (its
// median, mean, min and max are the rate; one value), placed last so that a run's first metric
// stays the one it is known by. Reports, the dashboard and the exports show runs after this.
void fold_failure_flags(RunOverview& run);

// For an AI run (kind "ai"), what its per-request series cannot say on their own, as one-value
// series placed last: "request_throughput" (successful requests / duration_s, req/s) and
// "output_token_throughput" (their output tokens / duration_s, tokens/s); and drops
// "prompt_index", which names a request's prompt and is no measurement. Call it before
// fold_failure_flags (it counts the successful requests from the "failed" flags). Other kinds
// are left as they are.
void fold_ai_series(RunOverview& run);

} // namespace farm::history
