// One loop per phase (warm-up, then measured): start what is due, then let the StreamClient wait
// for the next event (a transfer ending, the next arrival, the next step of a concurrency ramp,
// the deadline, or the interrupt self-pipe becoming readable). Nothing spins: between events the
// thread sleeps in poll() -- with several loops, at most 100 ms at a time, to see whether another
// loop failed.
#include "farm/ai/load_generator.hpp"

#include "farm/ai/arrivals.hpp"
#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/net/open_files.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <sched.h>
#include <sstream>
#include <sys/resource.h>
#include <thread>

namespace farm::ai {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double value) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

double seconds_between(net::SteadyTime from, net::SteadyTime to) {
    return std::chrono::duration<double>(to - from).count();
}

// CPU time (user + system) of the calling thread so far.
double thread_cpu_s() {
    rusage usage{};
    if (getrusage(RUSAGE_THREAD, &usage) != 0) {
        return 0;
    }
    auto seconds_of = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

void check_plan(const LoadPlan& plan) {
    if (plan.requests == 0) {
        throw UsageError("a load needs at least one request (--requests)");
    }
    if (plan.rate < 0) {
        throw UsageError("the request rate must be positive (--rate)");
    }
    if (plan.rate == 0 && plan.concurrency == 0) {
        throw UsageError("the concurrency must be at least 1 (--concurrency)");
    }
    if (plan.rate > 0 && plan.max_concurrency == 0) {
        throw UsageError("the maximum concurrency must be at least 1 (--max-concurrency)");
    }
    if (plan.deadline_s < 0) {
        throw UsageError("the run's time limit must be positive");
    }
    if (plan.rate > 0) {
        ArrivalSchedule check(ArrivalPlan{plan.rate, plan.burstiness, plan.ramp_up_s, plan.seed});
    } else if (plan.ramp_up_s < 0) {
        throw UsageError("the ramp-up must be zero or more seconds (--ramp-up)");
    }
}

// What the loops of one run share: the measured requests' numbers, the start of the measured
// phase (when every loop's warm-up has ended) and the word to stop when one of them failed.
struct SharedRun {
    struct MarkStart {
        net::SteadyTime* start;
        void operator()() noexcept { *start = Clock::now(); }
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

// How often a loop of several looks whether another one failed, when nothing else wakes it.
constexpr auto others_check = std::chrono::milliseconds(100);

class LoadRun {
  public:
    LoadRun(const LoadPlan& plan, const LoadHandlers& handlers, SharedRun& shared, LoopShare share)
        : m_plan(plan), m_handlers(handlers), m_shared(shared), m_share(share),
          m_client(std::max(share.cap, std::size_t{1})) {
        if (plan.keep_results) {
            m_result.load.requests.reserve(plan.requests / std::max(std::size_t{1}, plan.loops));
        }
    }

    // The warm-up, then the wait for every loop's, then the measured phase.
    void run() {
        if (m_share.warmups > 0) {
            run_phase(m_share.warmups, true);
        }
        m_arrived = true;
        m_shared.warmed.arrive_and_wait();
        // The deadline is the measured phase's: warm-up (connections, a cold model) is outside.
        net::SteadyTime start = m_shared.start;
        m_deadline =
            m_plan.deadline_s > 0 ? start + seconds(m_plan.deadline_s) : net::SteadyTime::max();
        m_result.last_end = start;
        m_client.reset_loop_load();
        double cpu_before = thread_cpu_s();
        m_result.started = stopped() ? 0 : run_phase(0, false);
        m_result.load.client_cpu_s = thread_cpu_s() - cpu_before;
        m_client.end_busy_stretch();
        m_result.load.loop = m_client.loop_load();
    }

    // Whether this loop reached the end of its warm-up (a failed one must leave the barrier).
    bool arrived() const { return m_arrived; }
    LoopResult& result() { return m_result; }

  private:
    bool stopped() const {
        return m_result.load.deadline_passed || m_result.load.interrupted || m_shared.failed;
    }

    std::size_t cap() const { return m_share.cap; }

    // How many may run now: the cap, ramped in the measured phase of a fixed-concurrency run.
    std::size_t allowed(bool warmup, net::SteadyTime phase_start, net::SteadyTime now) const {
        if (warmup || m_plan.rate > 0) {
            return cap();
        }
        return ramped_concurrency(cap(), m_plan.ramp_up_s, seconds_between(phase_start, now));
    }

    // The next request's index: warm-ups from this loop's range, measured ones from the shared
    // counter.
    std::optional<std::size_t> take(bool warmup, std::size_t taken, std::size_t warmups) {
        if (warmup) {
            return taken < warmups ? std::optional<std::size_t>(m_share.first_warmup + taken)
                                   : std::nullopt;
        }
        return m_shared.take();
    }

    // Runs the phase's requests (`warmups` of them, or measured ones while the shared counter
    // has any); returns how many were started.
    std::size_t run_phase(std::size_t warmups, bool warmup) {
        bool paced = m_plan.rate > 0 && !warmup;
        std::optional<ArrivalSchedule> arrivals;
        if (paced) {
            arrivals.emplace(
                ArrivalPlan{m_plan.rate, m_plan.burstiness, m_plan.ramp_up_s, m_plan.seed});
        }
        std::size_t started = 0;
        bool more = true;
        net::SteadyTime phase_start = Clock::now();
        net::SteadyTime next_due = phase_start;
        while (!stopped() && (more || m_client.running() > 0)) {
            net::SteadyTime now = Clock::now();
            std::size_t slots = allowed(warmup, phase_start, now);
            while (more && m_client.running() < slots && (!paced || now >= next_due)) {
                std::optional<std::size_t> index = take(warmup, started, warmups);
                if (!index) {
                    more = false;
                    break;
                }
                // Unpaced, a request is due when a slot frees: its schedule is its start.
                start(RequestTag{*index, warmup, paced ? next_due : now, m_share.loop});
                ++started;
                if (paced) {
                    next_due = phase_start + seconds(arrivals->next_s());
                }
            }
            if (!more && m_client.running() == 0) {
                break; // the last request ended before the counter said there were no more
            }
            net::SteadyTime until = wake_time(paced, more, slots, next_due, phase_start);
            if (m_share.watch_others) {
                until = std::min(until, Clock::now() + others_check);
            }
            m_client.poll(until, exec::interrupt_fd());
            check_stops(warmup);
        }
        return started;
    }

    // The next event the loop must act on besides a transfer ending.
    net::SteadyTime wake_time(bool paced, bool more, std::size_t slots, net::SteadyTime next_due,
                              net::SteadyTime phase_start) const {
        net::SteadyTime until = m_deadline;
        if (!more || m_client.running() >= slots) {
            if (more && !paced && slots < cap()) {
                double step = next_concurrency_step_s(cap(), m_plan.ramp_up_s, slots);
                until = std::min(until, phase_start + seconds(step));
            }
            return until;
        }
        return paced ? std::min(until, next_due) : until;
    }

    void check_stops(bool warmup) {
        LoadResult& result = m_result.load;
        if (exec::interrupted()) {
            result.interrupted = true;
            m_client.cancel_all(net::StreamFailure::cancelled, "interrupted");
        } else if (m_shared.failed) {
            m_client.cancel_all(net::StreamFailure::cancelled, "stopped: another loop failed");
        } else if (!warmup && Clock::now() >= m_deadline) {
            result.deadline_passed = true;
            std::ostringstream message;
            message << "cut by the run's time limit of " << m_plan.deadline_s << " s";
            m_cutting = true;
            m_client.cancel_all(net::StreamFailure::cancelled, message.str());
            m_cutting = false;
        }
    }

    void start(RequestTag tag) {
        net::HttpRequest request = m_handlers.make_request(tag);
        net::StreamHandlers stream;
        if (m_handlers.on_headers) {
            stream.on_headers = [this, tag](int status) { m_handlers.on_headers(tag, status); };
        }
        if (m_handlers.on_body) {
            stream.on_body = [this, tag](std::string_view piece, net::SteadyTime at) {
                return m_handlers.on_body(tag, piece, at);
            };
        }
        if (m_handlers.has_content) {
            stream.has_content = [this, tag] { return m_handlers.has_content(tag); };
        }
        stream.on_done = [this, tag](const net::StreamOutcome& outcome) { finished(tag, outcome); };
        m_client.start(request, m_plan.timeouts, std::move(stream));
    }

    void finished(RequestTag tag, const net::StreamOutcome& outcome) {
        if (!tag.warmup) {
            m_result.last_end = std::max(m_result.last_end, outcome.done);
            m_result.load.cut_by_deadline += m_cutting ? 1 : 0;
            if (m_plan.keep_results) {
                m_result.load.requests.push_back(
                    RequestResult{tag.index, tag.scheduled, outcome, m_cutting});
            }
        }
        if (m_handlers.on_done) {
            m_handlers.on_done(tag, outcome);
        }
    }

    const LoadPlan& m_plan;
    const LoadHandlers& m_handlers;
    SharedRun& m_shared;
    LoopShare m_share;
    net::StreamClient m_client;
    net::SteadyTime m_deadline = net::SteadyTime::max();
    bool m_cutting = false; // inside the deadline's cancel_all
    bool m_arrived = false;
    LoopResult m_result;
};

// Loop `loop`'s part of `total` when it is shared out as evenly as whole numbers allow.
std::size_t share_of(std::size_t total, std::size_t loops, std::size_t loop) {
    return total / loops + (loop < total % loops ? 1 : 0);
}

// The CPUs this process may run on (its affinity), at least 1.
std::size_t usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return std::max(1u, std::thread::hardware_concurrency());
    }
    return std::max(1, CPU_COUNT(&set));
}

// The loops' loads as one: the busiest loop's busy time (a share of the phase, as with one loop)
// and every loop's stretches (the lag any chunk could have had).
void add_loop_load(net::LoopLoad& into, const net::LoopLoad& loop) {
    into.busy_s = std::max(into.busy_s, loop.busy_s);
    into.longest_ms = std::max(into.longest_ms, loop.longest_ms);
    into.stretches += loop.stretches;
    std::size_t room =
        net::LoopLoad::max_kept - std::min(net::LoopLoad::max_kept, into.stretch_ms.size());
    std::size_t kept = std::min(room, loop.stretch_ms.size());
    into.stretch_ms.insert(into.stretch_ms.end(), loop.stretch_ms.begin(),
                           loop.stretch_ms.begin() + std::ptrdiff_t(kept));
}

LoadResult merged(const LoadPlan& plan, const SharedRun& shared,
                  std::vector<std::unique_ptr<LoadRun>>& runs) {
    LoadResult result;
    result.loops = runs.size();
    std::size_t started = 0;
    net::SteadyTime last_end = shared.start;
    for (std::unique_ptr<LoadRun>& run : runs) {
        LoopResult& loop = run->result();
        LoadResult& part = loop.load;
        started += loop.started;
        last_end = std::max(last_end, loop.last_end);
        result.cut_by_deadline += part.cut_by_deadline;
        result.deadline_passed = result.deadline_passed || part.deadline_passed;
        result.interrupted = result.interrupted || part.interrupted;
        result.client_cpu_s += part.client_cpu_s;
        add_loop_load(result.loop, part.loop);
        std::move(part.requests.begin(), part.requests.end(), std::back_inserter(result.requests));
    }
    result.not_started = plan.requests - std::min(plan.requests, started);
    result.wall_s = seconds_between(shared.start, last_end);
    std::sort(result.requests.begin(), result.requests.end(),
              [](const RequestResult& a, const RequestResult& b) { return a.index < b.index; });
    return result;
}

} // namespace

std::size_t default_loops(const LoadPlan& plan) {
    if (plan.rate > 0) {
        return 1;
    }
    constexpr std::size_t streams_per_loop = 16;
    std::size_t wanted = (plan.concurrency + streams_per_loop - 1) / streams_per_loop;
    return std::clamp<std::size_t>(wanted, 1, usable_cpus());
}

std::size_t loops_of(const LoadPlan& plan) {
    if (plan.rate > 0) {
        return 1;
    }
    return std::clamp<std::size_t>(plan.loops, 1, std::max<std::size_t>(plan.concurrency, 1));
}

LoadResult run_load(const LoadPlan& plan, const LoadHandlers& handlers) {
    check_plan(plan);
    if (!handlers.make_request) {
        throw UsageError("run_load needs a request factory");
    }
    net::ensure_open_files(plan.rate > 0 ? plan.max_concurrency : plan.concurrency);
    std::size_t loops = loops_of(plan);
    SharedRun shared(loops, plan.requests);
    std::vector<std::unique_ptr<LoadRun>> runs;
    std::size_t cap = plan.rate > 0 ? plan.max_concurrency : plan.concurrency;
    std::size_t first_warmup = 0;
    for (std::size_t loop = 0; loop < loops; ++loop) {
        LoopShare share{loop, share_of(cap, loops, loop), first_warmup,
                        share_of(plan.warmup, loops, loop), loops > 1};
        first_warmup += share.warmups;
        runs.push_back(std::make_unique<LoadRun>(plan, handlers, shared, share));
    }
    std::vector<std::exception_ptr> failures(loops);
    auto drive = [&](std::size_t loop) {
        try {
            runs[loop]->run();
        } catch (...) {
            failures[loop] = std::current_exception();
            shared.failed = true;
            if (!runs[loop]->arrived()) {
                shared.warmed.arrive_and_drop(); // the others must not wait for this one
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t loop = 1; loop < loops; ++loop) {
        threads.emplace_back(drive, loop);
    }
    drive(0); // the calling thread is the first loop
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    return merged(plan, shared, runs);
}

} // namespace farm::ai
