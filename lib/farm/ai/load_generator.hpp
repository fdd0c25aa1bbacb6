// Drives a load of HTTP requests against one server and reports each request's raw outcome.
//
// Two ways to load the server, as the serving benchmarks do:
// - fixed concurrency: C requests in flight at all times until N have been sent (with a ramp-up,
//   the allowed number grows from 1 to C: arrivals.hpp);
// - request rate (open loop): arrivals at R requests/s with gamma gaps of shape `burstiness` (1:
//   a Poisson process; seeded, so that a test sees the same schedule every time; arrivals.hpp),
//   at most max_concurrency in flight. A request that is due while the cap is reached waits for a
//   free slot and keeps its scheduled time (`scheduled`), so the wait shows as schedule lag
//   instead of being hidden (coordinated omission); the schedule does not slow down for it.
// Warm-up requests go first, all at once up to the cap (so that they open the connections the
// measured phase will reuse), and are not part of the result.
//
// The generator knows nothing of AI: a factory builds request number i, and the caller's handlers
// see every body piece with its arrival time and every outcome, so the provider layer plugs its
// SSE/NDJSON parsers in here. Each event loop is one thread with one net::StreamClient
// (connections kept alive). At fixed concurrency the load may be driven by several loops
// (plan.loops), each with its share of the concurrency and of the warm-ups; the measured requests
// are handed out one at a time from one counter, so a slower loop does not hold the run's tail.
// Every loop ends its warm-up before any sends a measured request. A rate run keeps its one
// arrival schedule on one loop.
//
// Guarantees: the run ends when every request has ended, when the deadline passes (requests in
// flight are cancelled -- outcome cancelled, RequestResult::cut_by_deadline, counted in
// cut_by_deadline: they are not failures -- and the rest are not sent, counted in not_started)
// or when Ctrl-C/SIGTERM arrives (exec/interrupt.hpp: in-flight requests end as cancelled,
// within milliseconds). Every request that was started ends in exactly one on_done call. The
// open-file limit is raised to what the cap needs before anything is sent (net/open_files.hpp).
// With several loops the handlers are called from several threads at once; every callback of
// one request comes from the thread of its loop (RequestTag::loop). A loop that throws stops
// the others (their requests end as cancelled) and run_load rethrows its exception.
#pragma once

#include "farm/net/stream_client.hpp"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace farm::ai {

struct LoadPlan {
    std::size_t requests = 1;          // measured requests
    std::size_t warmup = 0;            // sent first, not recorded
    std::size_t concurrency = 1;       // fixed-concurrency mode (rate == 0)
    double rate = 0;                   // > 0: open-loop arrivals at this many requests/s
    double burstiness = 1;             // gamma shape of the gaps (rate mode); 1: Poisson
    double ramp_up_s = 0;              // the rate or concurrency ramps up over this long
    std::size_t max_concurrency = 256; // the cap in rate mode
    double deadline_s = 0;             // the measured phase, from its start (not warm-up); 0: none
    std::uint64_t seed = 1;            // of the arrival gaps
    net::StreamTimeouts timeouts;      // connect and total timeouts come with each request
    bool keep_results = true;          // false: only the callbacks see outcomes (long runs)
    std::size_t loops = 1; // event-loop threads at fixed concurrency (at most the concurrency);
                           // a rate run uses one
};

// The event loops worth running for this load on this machine: one per 16 requests in flight,
// at most the CPUs this process may use (exec::usable_cpus: its affinity and CPU quota); one in
// rate mode. One loop already keeps 16 short
// streams busy; more threads than CPUs would only take turns.
std::size_t default_loops(const LoadPlan& plan);
// The loops a plan runs: plan.loops, at most the concurrency; 1 in rate mode.
std::size_t loops_of(const LoadPlan& plan);

// Which request a callback is about: warm-ups are numbered 0..warmup-1, measured ones
// 0..requests-1.
struct RequestTag {
    std::size_t index = 0;
    bool warmup = false;
    net::SteadyTime scheduled; // when it was due (rate mode), else when it was started
    std::size_t loop = 0;      // the event loop (thread) that runs it: 0..loops-1
};

struct LoadHandlers {
    std::function<net::HttpRequest(RequestTag tag)> make_request; // required
    std::function<void(RequestTag tag, int status)> on_headers;
    // Return false to stop that request (it ends as stream_error).
    std::function<bool(RequestTag tag, std::string_view piece, net::SteadyTime at)> on_body;
    std::function<void(RequestTag tag, const net::StreamOutcome& outcome)> on_done;
    // With timeouts.first_content_s: whether the request's answer has content yet.
    std::function<bool(RequestTag tag)> has_content;
};

struct RequestResult {
    std::size_t index = 0;     // among the measured requests
    net::SteadyTime scheduled; // when it was due; equals outcome.sent unless it had to wait
    net::StreamOutcome outcome;
    bool cut_by_deadline = false; // cancelled because the run's deadline passed
};

struct LoadResult {
    std::vector<RequestResult> requests; // measured requests that were started, by index
    double wall_s = 0;               // first measured request sent -> last one ended (or the stop)
    std::size_t not_started = 0;     // measured requests never sent (deadline or interrupt)
    std::size_t cut_by_deadline = 0; // measured requests running when the deadline passed
    bool deadline_passed = false;
    bool interrupted = false;
    // The client itself over the measured phase: the CPU time of the threads that drive the
    // requests (sockets, decoding, handlers; summed over the loops), and how busy its event loops
    // were: `loop` holds the busiest loop's busy time and every loop's stretches (net::LoopLoad).
    double client_cpu_s = 0;
    net::LoopLoad loop;
    std::size_t loops = 1; // event loops that ran
};

// Adds one loop's load to the run's: the busiest loop's busy time (a share of the phase, as with
// one loop), every loop's stretches (the lag any chunk could have had; up to LoopLoad::max_kept
// kept, all counted) and the longest of all. run_load adds its loops up with it; exposed for
// tests.
void add_loop_load(net::LoopLoad& into, const net::LoopLoad& loop);

// Runs the plan. Throws farm::UsageError for an impossible plan (no requests, concurrency 0, a
// negative rate) or a request that cannot be sent, farm::NetworkError when libcurl is missing.
LoadResult run_load(const LoadPlan& plan, const LoadHandlers& handlers);

} // namespace farm::ai
