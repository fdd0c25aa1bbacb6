// One loop per phase (warm-up, then measured): start what is due, then let the StreamClient wait
// for the next event (a transfer ending, the next arrival, the next step of a concurrency ramp,
// the deadline, or the interrupt self-pipe becoming readable). Nothing spins: between events the
// thread sleeps in poll().
#include "farm/ai/load_generator.hpp"

#include "farm/ai/arrivals.hpp"
#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/net/open_files.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>
#include <sys/resource.h>

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

class LoadRun {
  public:
    LoadRun(const LoadPlan& plan, const LoadHandlers& handlers)
        : m_plan(plan), m_handlers(handlers), m_client(std::max(cap(), std::size_t{1})) {
        if (plan.keep_results) {
            m_result.requests.reserve(plan.requests);
        }
    }

    LoadResult run() {
        if (m_plan.warmup > 0) {
            run_phase(m_plan.warmup, true);
        }
        // The deadline is the measured phase's: warm-up (connections, a cold model) is outside.
        net::SteadyTime start = Clock::now();
        m_deadline =
            m_plan.deadline_s > 0 ? start + seconds(m_plan.deadline_s) : net::SteadyTime::max();
        m_last_end = start;
        m_client.reset_loop_load();
        double cpu_before = thread_cpu_s();
        std::size_t started = stopped() ? 0 : run_phase(m_plan.requests, false);
        m_result.client_cpu_s = thread_cpu_s() - cpu_before;
        m_client.end_busy_stretch();
        m_result.loop = m_client.loop_load();
        m_result.not_started = m_plan.requests - started;
        m_result.wall_s = seconds_between(start, m_last_end);
        std::sort(m_result.requests.begin(), m_result.requests.end(),
                  [](const RequestResult& a, const RequestResult& b) { return a.index < b.index; });
        return std::move(m_result);
    }

  private:
    bool stopped() const { return m_result.deadline_passed || m_result.interrupted; }

    std::size_t cap() const {
        return m_plan.rate > 0 ? m_plan.max_concurrency : m_plan.concurrency;
    }

    // How many may run now: the cap, ramped in the measured phase of a fixed-concurrency run.
    std::size_t allowed(bool warmup, net::SteadyTime phase_start, net::SteadyTime now) const {
        if (warmup || m_plan.rate > 0) {
            return cap();
        }
        return ramped_concurrency(cap(), m_plan.ramp_up_s, seconds_between(phase_start, now));
    }

    // Runs `count` requests; returns how many were started.
    std::size_t run_phase(std::size_t count, bool warmup) {
        bool paced = m_plan.rate > 0 && !warmup;
        std::optional<ArrivalSchedule> arrivals;
        if (paced) {
            arrivals.emplace(
                ArrivalPlan{m_plan.rate, m_plan.burstiness, m_plan.ramp_up_s, m_plan.seed});
        }
        std::size_t next = 0;
        net::SteadyTime phase_start = Clock::now();
        net::SteadyTime next_due = phase_start;
        while (!stopped() && (next < count || m_client.running() > 0)) {
            net::SteadyTime now = Clock::now();
            std::size_t slots = allowed(warmup, phase_start, now);
            while (next < count && m_client.running() < slots && (!paced || now >= next_due)) {
                // Unpaced, a request is due when a slot frees: its schedule is its start.
                start(RequestTag{next, warmup, paced ? next_due : now});
                ++next;
                if (paced) {
                    next_due = phase_start + seconds(arrivals->next_s());
                }
            }
            m_client.poll(wake_time(paced, next < count, slots, next_due, phase_start),
                          exec::interrupt_fd());
            check_stops(warmup);
        }
        return next;
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
        if (exec::interrupted()) {
            m_result.interrupted = true;
            m_client.cancel_all(net::StreamFailure::cancelled, "interrupted");
        } else if (!warmup && Clock::now() >= m_deadline) {
            m_result.deadline_passed = true;
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
            m_last_end = std::max(m_last_end, outcome.done);
            m_result.cut_by_deadline += m_cutting ? 1 : 0;
            if (m_plan.keep_results) {
                m_result.requests.push_back(
                    RequestResult{tag.index, tag.scheduled, outcome, m_cutting});
            }
        }
        if (m_handlers.on_done) {
            m_handlers.on_done(tag, outcome);
        }
    }

    const LoadPlan& m_plan;
    const LoadHandlers& m_handlers;
    net::StreamClient m_client;
    net::SteadyTime m_deadline = net::SteadyTime::max();
    bool m_cutting = false; // inside the deadline's cancel_all
    net::SteadyTime m_last_end;
    LoadResult m_result;
};

} // namespace

LoadResult run_load(const LoadPlan& plan, const LoadHandlers& handlers) {
    check_plan(plan);
    if (!handlers.make_request) {
        throw UsageError("run_load needs a request factory");
    }
    net::ensure_open_files(plan.rate > 0 ? plan.max_concurrency : plan.concurrency);
    LoadRun run(plan, handlers);
    return run.run();
}

} // namespace farm::ai
