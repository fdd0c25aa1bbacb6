// One loop per phase (warm-up, then measured): start what is due, then let the StreamClient wait
// for the next event (a transfer ending, the next Poisson arrival, the deadline, or the interrupt
// self-pipe becoming readable). Nothing spins: between events the thread sleeps in poll().
#include "farm/ai/load_generator.hpp"

#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>

namespace farm::ai {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double value) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

double seconds_between(net::SteadyTime from, net::SteadyTime to) {
    return std::chrono::duration<double>(to - from).count();
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
}

class LoadRun {
  public:
    LoadRun(const LoadPlan& plan, const LoadHandlers& handlers)
        : m_plan(plan), m_handlers(handlers),
          m_client(
              std::max(plan.rate > 0 ? plan.max_concurrency : plan.concurrency, std::size_t{1})),
          m_random(plan.seed), m_gaps(plan.rate > 0 ? plan.rate : 1.0) {
        m_deadline =
            plan.deadline_s > 0 ? Clock::now() + seconds(plan.deadline_s) : net::SteadyTime::max();
        if (plan.keep_results) {
            m_result.requests.reserve(plan.requests);
        }
    }

    LoadResult run() {
        if (m_plan.warmup > 0) {
            run_phase(m_plan.warmup, true);
        }
        net::SteadyTime start = Clock::now();
        m_last_end = start;
        std::size_t started = stopped() ? 0 : run_phase(m_plan.requests, false);
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

    // Runs `count` requests; returns how many were started.
    std::size_t run_phase(std::size_t count, bool warmup) {
        std::size_t next = 0;
        net::SteadyTime next_due = Clock::now();
        while (!stopped() && (next < count || m_client.running() > 0)) {
            net::SteadyTime now = Clock::now();
            while (next < count && m_client.running() < cap() &&
                   (m_plan.rate <= 0 || now >= next_due)) {
                start(RequestTag{next, warmup}, m_plan.rate > 0 ? next_due : now);
                ++next;
                if (m_plan.rate > 0) {
                    next_due += seconds(m_gaps(m_random));
                }
            }
            net::SteadyTime until = m_deadline;
            if (m_plan.rate > 0 && next < count && m_client.running() < cap()) {
                until = std::min(until, next_due);
            }
            m_client.poll(until, exec::interrupt_fd());
            if (exec::interrupted()) {
                m_result.interrupted = true;
                m_client.cancel_all(net::StreamFailure::cancelled, "interrupted");
            } else if (Clock::now() >= m_deadline) {
                m_result.deadline_passed = true;
                std::ostringstream message;
                message << "the run's time limit of " << m_plan.deadline_s << " s passed";
                m_client.cancel_all(net::StreamFailure::timeout, message.str());
            }
        }
        return next;
    }

    void start(RequestTag tag, net::SteadyTime scheduled) {
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
        stream.on_done = [this, tag, scheduled](const net::StreamOutcome& outcome) {
            finished(tag, scheduled, outcome);
        };
        m_client.start(request, m_plan.timeouts, std::move(stream));
    }

    void finished(RequestTag tag, net::SteadyTime scheduled, const net::StreamOutcome& outcome) {
        if (!tag.warmup) {
            m_last_end = std::max(m_last_end, outcome.done);
            if (m_plan.keep_results) {
                m_result.requests.push_back(RequestResult{tag.index, scheduled, outcome});
            }
        }
        if (m_handlers.on_done) {
            m_handlers.on_done(tag, outcome);
        }
    }

    const LoadPlan& m_plan;
    const LoadHandlers& m_handlers;
    net::StreamClient m_client;
    std::mt19937_64 m_random;
    std::exponential_distribution<double> m_gaps;
    net::SteadyTime m_deadline;
    net::SteadyTime m_last_end;
    LoadResult m_result;
};

} // namespace

LoadResult run_load(const LoadPlan& plan, const LoadHandlers& handlers) {
    check_plan(plan);
    if (!handlers.make_request) {
        throw UsageError("run_load needs a request factory");
    }
    LoadRun run(plan, handlers);
    return run.run();
}

} // namespace farm::ai
