// net::StreamClient's wait (stream_events.hpp: curl's socket interface over epoll): a readable
// wake-up descriptor ends poll() while transfers are still waiting for their server, another
// descriptor can take its place between calls, and the transfers go on afterwards.
#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <string>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

HttpRequest slow_chat(const MockLlm& server) {
    HttpRequest request;
    request.method = "POST";
    request.url = server.url("/v1/chat/completions");
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    return request;
}

struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(pipe(fds) == 0); }
    ~Pipe() {
        close(fds[0]);
        close(fds[1]);
    }
    void ring() const { REQUIRE(write(fds[1], "x", 1) == 1); }
    void drain() const {
        char c = 0;
        REQUIRE(read(fds[0], &c, 1) == 1);
    }
};

} // namespace

TEST_CASE("net::StreamClient::poll ends when its wake-up descriptor is readable") {
    // The first token comes after 3 s: a poll that ends before that was woken, not by the stream.
    MockLlm server({"--ttft-ms", "3000", "--chunks", "1"});
    StreamClient client(4);
    int ended = 0;
    StreamHandlers handlers;
    handlers.on_done = [&ended](const StreamOutcome& outcome) { ended += outcome.ok() ? 1 : 0; };
    client.start(slow_chat(server), {}, handlers);
    client.start(slow_chat(server), {}, handlers);
    SteadyTime later = std::chrono::steady_clock::now() + std::chrono::seconds(20);

    Pipe first;
    first.ring();
    CHECK(client.poll(later, first.fds[0]) == 0);
    CHECK(client.running() == 2);
    first.drain();

    Pipe second; // another descriptor in its place
    second.ring();
    CHECK(client.poll(later, second.fds[0]) == 0);
    CHECK(client.running() == 2);
    second.drain();

    while (client.running() > 0 && std::chrono::steady_clock::now() < later) {
        client.poll(later, second.fds[0]);
    }
    CHECK(ended == 2);
}

TEST_CASE("net::StreamClient::poll with nothing running waits until its deadline") {
    StreamClient client;
    SteadyTime until = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
    CHECK(client.poll(until) == 0);
    CHECK(std::chrono::steady_clock::now() >= until);
}
