// One event loop's part of a load (load_generator.hpp): a thread with its own net::StreamClient
// that runs its share of the warm-ups, waits until every loop has warmed up, then takes measured
// requests from the counter all loops share until none are left, the deadline passes, Ctrl-C
// comes or another loop failed. Internal to ai/load_generator.cpp.
//
// Guarantees: every request a loop starts ends in exactly one on_done call, from the loop's own
// thread; a loop never has more requests in flight than its share of the cap; a loop's handlers
// see only its own requests (RequestTag::loop).
#pragma once

#include "farm/ai/load_generator.hpp"

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace farm::ai {

// What the loops of one run share: the measured requests' numbers, the start of the measured
// phase (when every loop's warm-up has ended) and the word to stop when one of them failed.
struct SharedRun {
    struct MarkStart {
        net::SteadyTime* start;
        void operator()() noexcept { *start = std::chrono::steady_clock::now(); }
    };

    SharedRun(std::size_t loops, std::size_t measured)
        : requests(measured), warmed(std::ptrdiff_t(loops), MarkStart{&start}) {}

    // The next measured request's index, or none when all have been handed out.
    std::optional<std::size_t> take() {
        std::size_t index = next_measured.fetch_add(1);
        return index < requests ? std::optional<std::size_t>(index) : std::nullopt;
    }

    const std::size_t requests;
    std::atomic<std::size_t> next_measured{0};
    net::SteadyTime start;
    std::barrier<MarkStart> warmed;
    std::atomic<bool> failed{false};
};

// One event loop's part of the load: its share of the cap and of the warm-ups.
struct LoopShare {
    std::size_t loop = 0;
    std::size_t cap = 1;
    std::size_t first_warmup = 0;
    std::size_t warmups = 0;
    bool watch_others = false; // several loops: wake now and then to see whether one failed
};

// What one loop saw; run_load adds the loops up.
struct LoopResult {
    LoadResult load;
    std::size_t started = 0; // measured requests
    net::SteadyTime last_end;
};

class LoadLoop {
  public:
    LoadLoop(const LoadPlan& plan, const LoadHandlers& handlers, SharedRun& shared,
             LoopShare share);

    // The warm-up, then the wait for every loop's, then the measured phase.
    void run();

    // Whether this loop reached the end of its warm-up (a failed one must leave the barrier).
    bool arrived() const { return m_arrived; }
    LoopResult& result() { return m_result; }

  private:
    bool stopped() const;

    std::size_t cap() const { return m_share.cap; }

    // How many may run now: the cap, ramped in the measured phase of a fixed-concurrency run.
    std::size_t allowed(bool warmup, net::SteadyTime phase_start, net::SteadyTime now) const;

    // The next request's index: warm-ups from this loop's range, measured ones from the shared
    // counter.
    std::optional<std::size_t> take(bool warmup, std::size_t taken, std::size_t warmups);

    // Runs the phase's requests (`warmups` of them, or measured ones while the shared counter
    // has any); returns how many were started.
    std::size_t run_phase(std::size_t warmups, bool warmup);

    // The next event the loop must act on besides a transfer ending.
    net::SteadyTime wake_time(bool paced, bool more, std::size_t slots, net::SteadyTime next_due,
                              net::SteadyTime phase_start) const;

    void check_stops(bool warmup);

    void start(RequestTag tag);

    void finished(std::size_t slot, const net::StreamOutcome& outcome);
    // Keeps a request's tag while it is in flight; returns its slot.
    std::size_t hold_tag(RequestTag tag);

    const LoadPlan& m_plan;
    const LoadHandlers& m_handlers;
    SharedRun& m_shared;
    LoopShare m_share;
    net::StreamClient m_client;
    net::SteadyTime m_deadline = net::SteadyTime::max();
    bool m_cutting = false; // inside the deadline's cancel_all
    bool m_arrived = false;
    LoopResult m_result;
    // The tags of the requests in flight, by slot: the client's callbacks capture a slot number,
    // which std::function holds in place, where a whole tag would cost an allocation each.
    std::vector<RequestTag> m_tags;
    std::vector<std::size_t> m_free_slots;
};

} // namespace farm::ai
