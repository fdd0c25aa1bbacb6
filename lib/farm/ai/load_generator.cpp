// Checks the plan, shares it out among the event loops (load_loop.hpp), runs them (the first on
// the calling thread) and adds up what they saw.
#include "farm/ai/load_generator.hpp"

#include "farm/ai/arrivals.hpp"
#include "farm/ai/load_loop.hpp"
#include "farm/core/error.hpp"
#include "farm/exec/cpu_budget.hpp"
#include "farm/net/open_files.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

namespace farm::ai {

namespace {

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

// Loop `loop`'s part of `total` when it is shared out as evenly as whole numbers allow.
std::size_t share_of(std::size_t total, std::size_t loops, std::size_t loop) {
    return total / loops + (loop < total % loops ? 1 : 0);
}

LoadResult merged(const LoadPlan& plan, const SharedRun& shared,
                  std::vector<std::unique_ptr<LoadLoop>>& runs) {
    LoadResult result;
    result.loops = runs.size();
    std::size_t started = 0;
    net::SteadyTime last_end = shared.start;
    for (std::unique_ptr<LoadLoop>& run : runs) {
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
    result.wall_s = std::chrono::duration<double>(last_end - shared.start).count();
    std::sort(result.requests.begin(), result.requests.end(),
              [](const RequestResult& a, const RequestResult& b) { return a.index < b.index; });
    return result;
}

} // namespace

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

std::size_t default_loops(const LoadPlan& plan) {
    if (plan.rate > 0) {
        return 1;
    }
    constexpr std::size_t streams_per_loop = 16;
    std::size_t wanted = (plan.concurrency + streams_per_loop - 1) / streams_per_loop;
    return std::clamp<std::size_t>(wanted, 1, exec::usable_cpus());
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
    std::vector<std::unique_ptr<LoadLoop>> runs;
    std::size_t cap = plan.rate > 0 ? plan.max_concurrency : plan.concurrency;
    std::size_t first_warmup = 0;
    for (std::size_t loop = 0; loop < loops; ++loop) {
        LoopShare share{loop, share_of(cap, loops, loop), first_warmup,
                        share_of(plan.warmup, loops, loop), loops > 1};
        first_warmup += share.warmups;
        runs.push_back(std::make_unique<LoadLoop>(plan, handlers, shared, share));
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
    try {
        for (std::size_t loop = 1; loop < loops; ++loop) {
            threads.emplace_back(drive, loop);
        }
    } catch (...) {
        // No thread for this loop (the system's limit): the loops that run stop, and those that
        // will not run (this one, those after it and the first) leave the warm-up barrier.
        shared.failed = true;
        for (std::size_t loop = threads.size() + 1; loop <= loops; ++loop) {
            shared.warmed.arrive_and_drop();
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
        throw;
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
