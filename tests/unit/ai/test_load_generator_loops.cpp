// ai::run_load with several event loops against farm_mock_llm: each measured request is sent and
// recorded exactly once, each loop keeps to its share of the concurrency and of the warm-ups,
// warm-ups end before any measured request, the deadline and a failing loop stop every loop, a
// rate run keeps one loop, and the loops' loads add up as the busiest loop's.
#include "farm/ai/load_generator.hpp"

#include "support/mock_llm.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace farm;
using ai::LoadHandlers;
using ai::LoadPlan;
using ai::LoadResult;
using ai::RequestTag;
using farm::test::MockLlm;

namespace {

// What the handlers saw, from every loop's thread at once.
struct Seen {
    std::mutex mutex;
    std::vector<RequestTag> made;
    std::set<std::thread::id> threads;
    std::vector<std::size_t> in_flight = std::vector<std::size_t>(8);
    std::vector<std::size_t> most_in_flight = std::vector<std::size_t>(8);
    bool measured_before_warmups_ended = false;
    std::size_t warmups_ended = 0;
    std::size_t warmups = 0;
    std::size_t done = 0;
};

LoadPlan two_loops(std::size_t requests, std::size_t concurrency) {
    LoadPlan plan;
    plan.requests = requests;
    plan.concurrency = concurrency;
    plan.loops = 2;
    return plan;
}

LoadHandlers watched_requests(const MockLlm& server, Seen& seen) {
    LoadHandlers handlers;
    handlers.make_request = [&server, &seen](RequestTag tag) {
        std::lock_guard lock(seen.mutex);
        seen.made.push_back(tag);
        seen.threads.insert(std::this_thread::get_id());
        std::size_t& running = seen.in_flight.at(tag.loop);
        ++running;
        seen.most_in_flight[tag.loop] = std::max(seen.most_in_flight[tag.loop], running);
        if (!tag.warmup && seen.warmups_ended < seen.warmups) {
            seen.measured_before_warmups_ended = true;
        }
        net::HttpRequest request;
        request.method = "POST";
        request.url = server.url("/api/generate");
        request.body = R"({"model":"m","prompt":"request )" + std::to_string(tag.index) + "\"}";
        return request;
    };
    handlers.on_done = [&seen](RequestTag tag, const net::StreamOutcome&) {
        std::lock_guard lock(seen.mutex);
        --seen.in_flight.at(tag.loop);
        seen.warmups_ended += tag.warmup ? 1 : 0;
        ++seen.done;
    };
    return handlers;
}

} // namespace

TEST_CASE("ai::run_load with two loops: every request once, each loop within its share") {
    MockLlm server({"--ttft-ms", "20", "--chunks", "2"});
    Seen seen;
    seen.warmups = 5;
    LoadPlan plan = two_loops(40, 5);
    plan.warmup = 5;
    LoadResult result = ai::run_load(plan, watched_requests(server, seen));

    CHECK(result.loops == 2);
    CHECK(seen.threads.size() == 2);
    REQUIRE(seen.made.size() == 45);
    std::set<std::size_t> warmups;
    std::set<std::size_t> measured;
    for (const RequestTag& tag : seen.made) {
        CHECK(tag.loop < 2);
        (tag.warmup ? warmups : measured).insert(tag.index);
    }
    CHECK(warmups == std::set<std::size_t>{0, 1, 2, 3, 4});
    CHECK(measured.size() == 40);
    CHECK(*measured.rbegin() == 39);
    CHECK_FALSE(seen.measured_before_warmups_ended);
    // 5 shared as 3 and 2; the ttft keeps each loop's slots full.
    CHECK(seen.most_in_flight[0] == 3);
    CHECK(seen.most_in_flight[1] == 2);
    REQUIRE(result.requests.size() == 40);
    for (std::size_t i = 0; i < 40; ++i) {
        CHECK(result.requests[i].index == i);
        CHECK(result.requests[i].outcome.ok());
    }
    CHECK(result.not_started == 0);
    CHECK(result.client_cpu_s > 0);
    CHECK(result.loop.stretches > 0);
}

TEST_CASE("ai::add_loop_load: the busiest loop's busy time, every loop's stretches") {
    net::LoopLoad run;
    net::LoopLoad first{0.8, 12.5, 3, {1.0f, 12.5f, 2.0f}};
    net::LoopLoad second{0.6, 20.0, 2, {20.0f, 3.0f}};
    ai::add_loop_load(run, first);
    ai::add_loop_load(run, second);
    CHECK(run.busy_s == 0.8); // a share of the phase, as with one loop: not 1.4
    CHECK(run.longest_ms == 20.0);
    CHECK(run.stretches == 5);
    CHECK(run.stretch_ms == std::vector<float>{1.0f, 12.5f, 2.0f, 20.0f, 3.0f});

    // Past LoopLoad::max_kept the stretches are counted, not kept.
    net::LoopLoad many;
    many.stretches = net::LoopLoad::max_kept - 1;
    many.stretch_ms.assign(net::LoopLoad::max_kept - 1, 1.0f);
    ai::add_loop_load(run, many);
    CHECK(run.stretch_ms.size() == net::LoopLoad::max_kept);
    CHECK(run.stretches == net::LoopLoad::max_kept + 4);
}

TEST_CASE("ai::run_load with two loops: the deadline stops both, counts add up") {
    MockLlm server({"--ttft-ms", "300", "--chunks", "2"});
    Seen seen;
    LoadPlan plan = two_loops(100, 4);
    plan.deadline_s = 0.5;
    LoadResult result = ai::run_load(plan, watched_requests(server, seen));

    CHECK(result.deadline_passed);
    CHECK(result.cut_by_deadline == 4); // every loop's running requests
    CHECK(result.requests.size() + result.not_started == 100);
    CHECK(result.not_started > 80);
    CHECK(seen.done == seen.made.size()); // every started request ended once
}

TEST_CASE("ai::run_load with two loops: a loop that fails stops the other and is rethrown") {
    MockLlm server({"--ttft-ms", "50", "--chunks", "2"});
    Seen seen;
    LoadHandlers handlers = watched_requests(server, seen);
    auto make = handlers.make_request;
    handlers.make_request = [make](RequestTag tag) {
        if (!tag.warmup && tag.index == 6) {
            throw std::runtime_error("request 6 cannot be built");
        }
        return make(tag);
    };
    LoadPlan plan = two_loops(1000, 4);
    plan.warmup = 2;
    CHECK_THROWS_WITH_AS(ai::run_load(plan, handlers), "request 6 cannot be built",
                         std::runtime_error);
    // The other loop stopped within its next turn, not after its 500 requests.
    std::lock_guard lock(seen.mutex);
    CHECK(seen.made.size() < 100);
}

TEST_CASE("ai::run_load with two loops: a loop whose warm-up fails does not hold the other") {
    MockLlm server({"--ttft-ms", "10", "--chunks", "2"});
    Seen seen;
    LoadHandlers handlers = watched_requests(server, seen);
    auto make = handlers.make_request;
    handlers.make_request = [make](RequestTag tag) {
        if (tag.warmup && tag.loop == 1) {
            throw std::runtime_error("warm-up failed");
        }
        return make(tag);
    };
    LoadPlan plan = two_loops(10, 2);
    plan.warmup = 4;
    CHECK_THROWS_WITH_AS(ai::run_load(plan, handlers), "warm-up failed", std::runtime_error);
}

TEST_CASE("ai::loops_of and default_loops: a rate run and a small concurrency keep one loop") {
    LoadPlan plan;
    plan.concurrency = 3;
    plan.loops = 8;
    CHECK(ai::loops_of(plan) == 3); // never more loops than requests in flight
    plan.concurrency = 1;
    CHECK(ai::default_loops(plan) == 1);
    plan.concurrency = 64;
    CHECK(ai::default_loops(plan) >= 1);
    CHECK(ai::default_loops(plan) <= 4); // one per 16 streams
    CHECK(ai::default_loops(plan) <= std::max(1u, std::thread::hardware_concurrency()));
    plan.rate = 10;
    plan.loops = 4;
    CHECK(ai::loops_of(plan) == 1);
    CHECK(ai::default_loops(plan) == 1);
}

TEST_CASE("ai::run_load in rate mode runs one loop whatever plan.loops says") {
    MockLlm server({"--ttft-ms", "0", "--chunks", "1"});
    Seen seen;
    LoadPlan plan;
    plan.requests = 6;
    plan.rate = 200;
    plan.max_concurrency = 8;
    plan.loops = 2;
    LoadResult result = ai::run_load(plan, watched_requests(server, seen));
    CHECK(result.loops == 1);
    CHECK(seen.threads.size() == 1);
    CHECK(result.requests.size() == 6);
}
