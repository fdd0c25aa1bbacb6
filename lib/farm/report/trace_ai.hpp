// The timeline of `farm perf:ai --trace FILE` and `farm perf:benchmark --trace FILE`
// (trace_events.hpp), made from what each benchmark reports of its requests as they end.
//
// Each benchmark (one server, one load level) is a process in the viewer; each of its requests
// is a span from the moment it was handed to the transport to the end of its answer, with an
// instant "first token" at its TTFT and its index, HTTP status and error class in args. Spans go
// on tracks "slot 1", "slot 2", ... assigned so that the spans of one track never overlap
// (assign_lanes): as many slots as requests were in flight at once. GPU telemetry, when sampled,
// is a process of its own with one counter track per device and reading.
#pragma once

#include "farm/ai/benchmark.hpp"
#include "farm/report/trace_events.hpp"
#include "farm/sys/gpu_sampler.hpp"

#include <optional>
#include <string>
#include <vector>

namespace farm::report {

// One request as the timeline needs it: ms on its benchmark's clock (BenchmarkResult::origin).
struct TracedRequest {
    std::size_t index = 0;
    double sent_ms = 0;
    double end_ms = 0;
    std::optional<double> ttft_ms; // from sent_ms; absent for a failed request
    int http_status = 0;
    std::string error; // the error class; empty when it succeeded
};

// What the timeline keeps of a request report (one with a timeline: plan.keep_timelines).
TracedRequest traced_request(const ai::RequestReport& report);

// The requests of one benchmark, as process `pid` named `label`.
void add_ai_benchmark(TraceEvents& trace, int pid, const std::string& label, net::SteadyTime origin,
                      const std::vector<TracedRequest>& requests);

// The GPU samples as counter tracks of process `pid`.
void add_gpu_counters(TraceEvents& trace, int pid, const std::vector<sys::GpuSample>& samples);

} // namespace farm::report
