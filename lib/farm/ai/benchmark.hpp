// One AI benchmark: one provider, model and operation at one load level, from the requests sent
// to the per-request records the history keeps (docs/metrics.md, "AI requests").
//
// This is where the layers meet: provider_request builds each request, load_generator sends them
// (fixed concurrency or Poisson arrivals, warm-up, deadline, Ctrl-C), a ResponseDecoder per
// request turns the body into content chunks as it arrives, request_metrics turns what was seen
// into the contract's metrics, and a running GpuSampler (when given) adds the GPU's mean use over
// each request's own interval.
//
// Guarantees:
// - Every measured request that was started ends in exactly one IterationRecord (exit_code 1 and
//   failed=1 when it failed), except requests cancelled by Ctrl-C: those are not measurements.
//   Warm-up requests are never recorded.
// - All times come from one steady clock; a request's times start when it was handed to curl
//   (as vLLM's and AIPerf's TTFT do). In rate mode each record also has schedule_lag_ms (handed
//   to curl - scheduled) and ttft/e2e_from_schedule_ms, the same times from its scheduled
//   arrival, so that a client that fell behind cannot hide the queueing (coordinated omission).
//   A request on a new connection has connect_ms (name resolution + TCP + TLS).
// - Requests cut by the deadline (--duration) are counted in cut_by_deadline and not recorded:
//   they are neither successes nor failures.
// - The API key goes into the Authorization header and nowhere else; error messages quote the
//   server's words with secrets redacted.
// - Memory per request is bounded (plan.limits): an answer with a line over 1 MiB or a body over
//   max_response_bytes ends as response_too_large and its transfer is stopped, so an endless
//   stream cannot grow memory without bound.
// - Memory stays flat however many requests are sent: one decoder per request in flight, no
//   outcomes kept by the load generator, the per-request records spooled to a temporary file
//   (the history stores each), every ITL gap in a fixed-size histogram.
#pragma once

#include "farm/ai/load_generator.hpp"
#include "farm/ai/provider_request.hpp"
#include "farm/ai/request_metrics.hpp"
#include "farm/ai/workload.hpp"
#include "farm/measure/log_histogram.hpp"
#include "farm/measure/record_spool.hpp"
#include "farm/measure/sample.hpp"
#include "farm/sys/gpu_sampler.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace farm::ai {

// Counts of the measured requests while a benchmark runs, for a progress display on another
// thread: each is only ever incremented, and read without a lock.
struct LiveCounts {
    std::atomic<std::size_t> sent{0};   // handed to curl
    std::atomic<std::size_t> ended{0};  // ended, whatever the outcome
    std::atomic<std::size_t> failed{0}; // ended as a failure (IterationRecord exit_code 1)
};

// The server to load. `name` is how the user called it (a config name, else the type).
struct Target {
    std::string name;
    ProviderType type = ProviderType::openai;
    std::string base_url;
    std::string model;
    std::string api_key; // empty: no Authorization header; never stored or shown
    double connect_timeout_s = 10;
    double first_byte_timeout_s = 60; // 0: none
    double ttft_timeout_s = 0;        // no content chunk within this long (streams): timeout
    bool http2 = false;               // false: HTTP/1.1
    double total_timeout_s = 300;     // 0: none
};

struct BenchmarkPlan {
    Target target;
    Operation operation = Operation::chat_stream;
    // What request i (warm-ups too) sends: workload->request(first + i, warmup). Required.
    std::shared_ptr<const Workload> workload;
    // Where this benchmark starts in the workload, so that the levels of a sweep send new
    // prompts each (a level that repeated the last one's would be served from a prefix cache).
    std::size_t first_request = 0;
    std::size_t first_warmup = 0;
    DecoderLimits limits; // longest line and answer read of one request
    LoadPlan load;        // its timeouts and keep_results are set from the target by run_benchmark
    const sys::GpuSampler* gpu = nullptr; // a started sampler, or none
    bool keep_timelines = false;          // fill RequestReport::timeline (--export-requests)
    LiveCounts* live = nullptr;           // counted into as requests start and end, or none
};

// The raw observations of one request, for a reader who recomputes the metrics: ms on the
// benchmark's steady clock (its origin is arbitrary, the differences are what count).
struct RequestTimeline {
    double sent_ms = 0;
    std::optional<double> end_ms;        // the transfer ended (or the failure was seen)
    std::optional<double> end_marker_ms; // the stream's end marker arrived
    int http_status = 0;
    std::vector<ContentChunk> chunks; // every content chunk with its arrival time
};

// One measured request, as the history and --export-requests keep it.
struct RequestReport {
    std::size_t index = 0;
    std::size_t prompt_index = 0;
    ErrorClass error = ErrorClass::none;
    std::string error_message; // secrets redacted; empty when it succeeded
    std::optional<TokenSource> output_token_source;
    measure::IterationRecord record;         // index = request index, the contract's metrics
    std::optional<RequestTimeline> timeline; // with plan.keep_timelines only
};

struct BenchmarkResult {
    // One record per measured request, in the order they ended (records() orders them by
    // request index); on disk, not in memory.
    measure::RecordSpool requests;
    // Every gap of every successful request, in fixed memory (their number grows with requests
    // times output tokens): exact mean, stddev, min, max; percentiles within 0.4%.
    measure::LogHistogram itl_gaps_ms;
    std::map<std::string, std::size_t> errors_by_class;
    std::map<int, std::size_t> errors_by_status;      // http_status failures by HTTP status
    std::map<std::string, std::string> first_error;   // class -> its first message
    std::map<std::string, std::size_t> token_sources; // output token source -> requests
    double wall_s = 0; // first measured request sent -> last one ended
    std::size_t not_started = 0;
    std::size_t cut_by_deadline = 0; // running when --duration passed: neither success nor error
    double offered_rate = 0;         // the plan's --rate; 0 at fixed concurrency
    std::size_t sent = 0;            // measured requests started (cut ones included)
    std::optional<net::SteadyTime> first_sent, last_sent;
    std::map<std::string, std::size_t> http_versions; // "1.1" -> requests answered in it
    bool interrupted = false;
    bool deadline_passed = false;
    net::SteadyTime started; // of the measured phase, for the GPU summary
    net::SteadyTime ended;
    double client_cpu_s = 0; // the client's own load (ai::LoadResult)
    net::LoopLoad loop;
    std::size_t loops = 1;  // event-loop threads that drove the requests
    net::SteadyTime origin; // the zero of the requests' ms times (RequestTimeline, a timeline)
};

// Runs the plan; `on_request` sees each measured request as it ends (in the order they end; with
// several event loops from their threads, but one call at a time).
// Throws farm::UsageError for an impossible plan (an operation the provider does not have, no
// workload, no model), farm::NetworkError when libcurl is missing.
BenchmarkResult run_benchmark(const BenchmarkPlan& plan,
                              const std::function<void(const RequestReport&)>& on_request = {});

// The output token source shared by every successful request, "mixed" when they differ, empty
// when no request succeeded.
std::string common_token_source(const BenchmarkResult& result);

} // namespace farm::ai
