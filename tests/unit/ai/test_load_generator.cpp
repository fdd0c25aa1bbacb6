// ai::run_load against farm_mock_llm: counts, pacing (fixed concurrency, Poisson arrivals, the
// cap), warm-up, the run's deadline and Ctrl-C.
#include "farm/ai/load_generator.hpp"
#include "farm/core/error.hpp"
#include "farm/exec/interrupt.hpp"

#include "support/mock_llm.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <thread>

using namespace farm;
using ai::LoadHandlers;
using ai::LoadPlan;
using ai::LoadResult;
using ai::RequestTag;
using farm::test::MockLlm;

namespace {

LoadHandlers generate_requests(const MockLlm& server, std::vector<RequestTag>& made) {
    LoadHandlers handlers;
    handlers.make_request = [&server, &made](RequestTag tag) {
        made.push_back(tag);
        net::HttpRequest request;
        request.method = "POST";
        request.url = server.url("/api/generate");
        request.body = R"({"model":"m","prompt":"request )" + std::to_string(tag.index) + "\"}";
        return request;
    };
    return handlers;
}

std::size_t count_failures(const LoadResult& result, net::StreamFailure failure) {
    std::size_t count = 0;
    for (const ai::RequestResult& request : result.requests) {
        count += request.outcome.failure == failure ? 1 : 0;
    }
    return count;
}

} // namespace

TEST_CASE("ai::run_load at fixed concurrency: warm-up first, every measured request recorded") {
    MockLlm server({"--ttft-ms", "30", "--chunks", "2"});
    std::vector<RequestTag> made;
    LoadHandlers handlers = generate_requests(server, made);
    std::size_t in_flight = 0;
    std::size_t most_in_flight = 0;
    std::size_t bytes_seen = 0;
    handlers.on_headers = [&](RequestTag, int) {
        most_in_flight = std::max(most_in_flight, in_flight);
    };
    handlers.on_body = [&](RequestTag, std::string_view piece, net::SteadyTime) {
        bytes_seen += piece.size();
        return true;
    };
    handlers.on_done = [&](RequestTag, const net::StreamOutcome&) { --in_flight; };
    auto make = handlers.make_request;
    handlers.make_request = [&, make](RequestTag tag) {
        ++in_flight;
        return make(tag);
    };

    LoadPlan plan;
    plan.requests = 24;
    plan.warmup = 4;
    plan.concurrency = 4;
    LoadResult result = ai::run_load(plan, handlers);

    REQUIRE(made.size() == 28);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(made[i].warmup);
        CHECK(made[i].index == i);
    }
    CHECK_FALSE(made[4].warmup);
    REQUIRE(result.requests.size() == 24);
    std::uint64_t body_bytes = 0;
    for (std::size_t i = 0; i < 24; ++i) {
        CHECK(result.requests[i].index == i);
        CHECK(result.requests[i].outcome.ok());
        body_bytes += result.requests[i].outcome.body_bytes;
    }
    CHECK(body_bytes < bytes_seen); // the warm-ups' bytes were seen too, not recorded
    CHECK(most_in_flight == 4);
    CHECK(result.not_started == 0);
    CHECK_FALSE(result.deadline_passed);
    CHECK_FALSE(result.interrupted);
    // 24 requests of >= 30 ms, 4 at a time: at least 6 rounds.
    CHECK(result.wall_s >= 6 * 0.030);
    CHECK(result.wall_s < 6 * 0.030 + 2.0);
}

TEST_CASE("ai::run_load with Poisson arrivals takes about requests / rate") {
    MockLlm server({"--chunks", "1"});
    std::vector<RequestTag> made;
    LoadPlan plan;
    plan.requests = 60;
    plan.rate = 150;
    plan.seed = 42;
    LoadResult result = ai::run_load(plan, generate_requests(server, made));
    REQUIRE(result.requests.size() == 60);
    CHECK(count_failures(result, net::StreamFailure::none) == 60);
    // 59 exponential gaps of mean 1/150 s: 0.39 s expected, standard deviation 0.05 s.
    CHECK(result.wall_s > 0.39 - 0.2);
    CHECK(result.wall_s < 0.39 + 0.4);
    // Gaps are random, not even: they must spread.
    double shortest = 1e9;
    double longest = 0;
    for (std::size_t i = 1; i < result.requests.size(); ++i) {
        double gap = std::chrono::duration<double>(result.requests[i].scheduled -
                                                   result.requests[i - 1].scheduled)
                         .count();
        shortest = std::min(shortest, gap);
        longest = std::max(longest, gap);
    }
    CHECK(shortest < 0.5 / 150);
    CHECK(longest > 2.0 / 150);
}

TEST_CASE("ai::run_load caps Poisson arrivals at max_concurrency") {
    MockLlm server({"--ttft-ms", "50", "--chunks", "1"});
    std::vector<RequestTag> made;
    LoadPlan plan;
    plan.requests = 10;
    plan.rate = 10000; // all due at once
    plan.max_concurrency = 2;
    LoadResult result = ai::run_load(plan, generate_requests(server, made));
    REQUIRE(result.requests.size() == 10);
    CHECK(count_failures(result, net::StreamFailure::none) == 10);
    CHECK(result.wall_s >= 5 * 0.050); // five rounds of two
    // The late ones were due long before they could be sent.
    const ai::RequestResult& last = result.requests.back();
    CHECK(last.outcome.sent - last.scheduled > std::chrono::milliseconds(100));
}

TEST_CASE("ai::run_load: faults end as their error class") {
    MockLlm server({"--fault", "http-500", "--fault-every", "2", "--chunks", "1"});
    std::vector<RequestTag> made;
    LoadPlan plan;
    plan.requests = 10;
    plan.concurrency = 1; // in order, so that every second request is a faulty one
    LoadResult result = ai::run_load(plan, generate_requests(server, made));
    REQUIRE(result.requests.size() == 10);
    CHECK(count_failures(result, net::StreamFailure::http_status) == 5);
    CHECK(count_failures(result, net::StreamFailure::none) == 5);
    CHECK(result.requests[1].outcome.status == 500);
}

TEST_CASE("ai::run_load: the deadline cancels stalled requests and ends the run") {
    MockLlm server({"--fault", "stall"});
    std::vector<RequestTag> made;
    LoadPlan plan;
    plan.requests = 10;
    plan.warmup = 0;
    plan.concurrency = 3;
    plan.deadline_s = 0.4;
    auto begin = std::chrono::steady_clock::now();
    LoadResult result = ai::run_load(plan, generate_requests(server, made));
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    CHECK(result.deadline_passed);
    CHECK(took >= 0.4);
    CHECK(took < 0.4 + 1.0);
    REQUIRE(result.requests.size() == 3);
    CHECK(count_failures(result, net::StreamFailure::timeout) == 3);
    CHECK(result.requests[0].outcome.message.find("time limit") != std::string::npos);
    CHECK(result.not_started == 7);
}

TEST_CASE("ai::run_load stops promptly on Ctrl-C") {
    MockLlm server({"--fault", "stall"});
    exec::install_interrupt_handlers();
    exec::reset_interrupt();
    std::vector<RequestTag> made;
    LoadPlan plan;
    plan.requests = 5;
    plan.concurrency = 5;
    std::thread interrupter([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        kill(getpid(), SIGINT);
    });
    auto begin = std::chrono::steady_clock::now();
    LoadResult result = ai::run_load(plan, generate_requests(server, made));
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    interrupter.join();
    exec::reset_interrupt();
    CHECK(result.interrupted);
    CHECK(took < 0.2 + 0.5);
    REQUIRE(result.requests.size() == 5);
    CHECK(count_failures(result, net::StreamFailure::cancelled) == 5);
}

TEST_CASE("ai::run_load rejects impossible plans") {
    LoadHandlers handlers;
    handlers.make_request = [](RequestTag) { return net::HttpRequest{}; };
    LoadPlan plan;
    plan.requests = 0;
    CHECK_THROWS_AS(ai::run_load(plan, handlers), UsageError);
    plan.requests = 1;
    plan.concurrency = 0;
    CHECK_THROWS_AS(ai::run_load(plan, handlers), UsageError);
    plan.concurrency = 1;
    plan.rate = -1;
    CHECK_THROWS_AS(ai::run_load(plan, handlers), UsageError);
    plan.rate = 0;
    CHECK_THROWS_AS(ai::run_load(plan, LoadHandlers{}), UsageError);
}
