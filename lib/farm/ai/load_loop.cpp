// One loop per phase (warm-up, then measured): start what is due, then let the StreamClient wait
// for the next event (a transfer ending, the next arrival, the next step of a concurrency ramp,
// the deadline, or the interrupt self-pipe becoming readable). Nothing spins: between events the
// thread sleeps in poll() -- with several loops, at most 100 ms at a time, to see whether another
// loop failed.
#include "farm/ai/load_loop.hpp"

#include "farm/ai/arrivals.hpp"
#include "farm/exec/interrupt.hpp"

#include <algorithm>
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

// How often a loop of several looks whether another one failed, when nothing else wakes it.
constexpr auto others_check = std::chrono::milliseconds(100);

} // namespace

LoadLoop::LoadLoop(const LoadPlan& plan, const LoadHandlers& handlers, SharedRun& shared,
                   LoopShare share)
    : m_plan(plan), m_handlers(handlers), m_shared(shared), m_share(share),
      m_client(std::max(share.cap, std::size_t{1})) {
    if (plan.keep_results) {
        m_result.load.requests.reserve(plan.requests / std::max(std::size_t{1}, plan.loops));
    }
}

void LoadLoop::run() {
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

bool LoadLoop::stopped() const {
    return m_result.load.deadline_passed || m_result.load.interrupted || m_shared.failed;
}

std::size_t LoadLoop::allowed(bool warmup, net::SteadyTime phase_start, net::SteadyTime now) const {
    if (warmup || m_plan.rate > 0) {
        return cap();
    }
    return ramped_concurrency(cap(), m_plan.ramp_up_s, seconds_between(phase_start, now));
}

std::optional<std::size_t> LoadLoop::take(bool warmup, std::size_t taken, std::size_t warmups) {
    if (warmup) {
        return taken < warmups ? std::optional<std::size_t>(m_share.first_warmup + taken)
                               : std::nullopt;
    }
    return m_shared.take();
}

std::size_t LoadLoop::run_phase(std::size_t warmups, bool warmup) {
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

net::SteadyTime LoadLoop::wake_time(bool paced, bool more, std::size_t slots,
                                    net::SteadyTime next_due, net::SteadyTime phase_start) const {
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

void LoadLoop::check_stops(bool warmup) {
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

void LoadLoop::start(RequestTag tag) {
    net::HttpRequest request = m_handlers.make_request(tag);
    std::size_t slot = hold_tag(tag);
    net::StreamHandlers stream;
    if (m_handlers.on_headers) {
        stream.on_headers = [this, slot](int status) {
            m_handlers.on_headers(m_tags[slot], status);
        };
    }
    if (m_handlers.on_body) {
        stream.on_body = [this, slot](std::string_view piece, net::SteadyTime at) {
            return m_handlers.on_body(m_tags[slot], piece, at);
        };
    }
    if (m_handlers.has_content) {
        stream.has_content = [this, slot] { return m_handlers.has_content(m_tags[slot]); };
    }
    stream.on_done = [this, slot](const net::StreamOutcome& outcome) { finished(slot, outcome); };
    try {
        m_client.start(request, m_plan.timeouts, std::move(stream));
    } catch (...) {
        m_free_slots.push_back(slot); // not started: no callback will come
        throw;
    }
}

std::size_t LoadLoop::hold_tag(RequestTag tag) {
    if (m_free_slots.empty()) {
        m_tags.push_back(tag);
        return m_tags.size() - 1;
    }
    std::size_t slot = m_free_slots.back();
    m_free_slots.pop_back();
    m_tags[slot] = tag;
    return slot;
}

void LoadLoop::finished(std::size_t slot, const net::StreamOutcome& outcome) {
    RequestTag tag = m_tags[slot];
    m_free_slots.push_back(slot); // on_done is a request's last callback
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

} // namespace farm::ai
