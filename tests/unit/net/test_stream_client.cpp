// net::StreamClient against farm_mock_llm (a real server on loopback, started per test): what
// arrives, when it arrives, and how each kind of failure is classified.
#include "farm/core/error.hpp"
#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"
#include "support/stream_runs.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <vector>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(SteadyTime from, SteadyTime to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

HttpRequest chat(const MockLlm& server, bool stream = true, const std::string& model = "m") {
    HttpRequest request;
    request.method = "POST";
    request.url = server.url("/v1/chat/completions");
    request.headers = {{"Content-Type", "application/json"},
                       {"Authorization", "Bearer sk-test-secret-0123456789"}};
    request.body = std::string(R"({"model":")") + model + R"(","stream":)" +
                   (stream ? "true" : "false") +
                   R"(,"messages":[{"role":"user","content":"hello"}]})";
    return request;
}

struct Seen {
    std::vector<int> statuses;
    std::string body;
    std::vector<std::pair<std::string, SteadyTime>> pieces;
    std::vector<StreamOutcome> outcomes;
};

StreamHandlers recording(Seen& seen) {
    StreamHandlers handlers;
    handlers.on_headers = [&seen](int status) { seen.statuses.push_back(status); };
    handlers.on_body = [&seen](std::string_view piece, SteadyTime at) {
        seen.body.append(piece);
        seen.pieces.emplace_back(std::string(piece), at);
        return true;
    };
    handlers.on_done = [&seen](const StreamOutcome& outcome) { seen.outcomes.push_back(outcome); };
    return handlers;
}

// Runs until every started request has ended (or 10 s passed).
void drain(StreamClient& client) {
    farm::test::poll_until_done(client);
    REQUIRE(client.running() == 0);
}

StreamOutcome one(const HttpRequest& request, StreamTimeouts timeouts, Seen& seen) {
    StreamClient client;
    client.start(request, timeouts, recording(seen));
    drain(client);
    REQUIRE(seen.outcomes.size() == 1);
    return seen.outcomes[0];
}

} // namespace

TEST_CASE("net::StreamClient delivers a stream piece by piece on the script's timing") {
    MockLlm server({"--ttft-ms", "60", "--itl-ms", "30", "--chunks", "4", "--chunk-text", "ab"});
    Seen seen;
    StreamOutcome outcome = one(chat(server), {}, seen);

    CHECK(outcome.ok());
    CHECK(outcome.status == 200);
    CHECK(outcome.message.empty());
    CHECK(seen.statuses == std::vector<int>{200});
    CHECK(outcome.body_bytes == seen.body.size());
    CHECK(seen.body.ends_with("data: [DONE]\n\n"));
    std::size_t contents = 0;
    for (std::size_t at = 0; (at = seen.body.find(R"("content":"ab")", at)) != std::string::npos;
         ++at) {
        ++contents;
    }
    CHECK(contents == 4);

    // The role chunk comes with the head; the first content chunk ttft later, each next one itl
    // later: the pieces carrying content must arrive on that schedule.
    std::vector<double> content_ms;
    for (const auto& [piece, at] : seen.pieces) {
        if (piece.find(R"("content":"ab")") != std::string::npos) {
            content_ms.push_back(ms_between(outcome.sent, at));
        }
    }
    REQUIRE(content_ms.size() == 4);
    CHECK(content_ms[0] >= 60);
    CHECK(content_ms[0] < 60 + 200);
    CHECK(content_ms[3] >= 60 + 3 * 30);
    CHECK(content_ms[3] < 60 + 3 * 30 + 200);
    CHECK(content_ms[1] >= 60 + 30);
    REQUIRE(outcome.first_byte.has_value());
    CHECK(ms_between(outcome.sent, *outcome.first_byte) < 60); // the head comes before content
    CHECK(outcome.done >= seen.pieces.back().second);
}

TEST_CASE("net::StreamClient reuses kept-alive connections") {
    MockLlm server({"--chunks", "2"});
    StreamClient client(4);
    Seen seen;
    for (int i = 0; i < 20; ++i) {
        client.start(chat(server), {}, recording(seen));
        drain(client);
    }
    REQUIRE(seen.outcomes.size() == 20);
    int new_connections = 0;
    for (const StreamOutcome& outcome : seen.outcomes) {
        CHECK(outcome.ok());
        new_connections += outcome.new_connection ? 1 : 0;
    }
    CHECK(new_connections == 1);
}

TEST_CASE("net::StreamClient runs many requests at once") {
    MockLlm server({"--ttft-ms", "100", "--chunks", "1"});
    StreamClient client(32);
    Seen seen;
    SteadyTime begin = Clock::now();
    for (int i = 0; i < 64; ++i) {
        client.start(chat(server), {}, recording(seen));
    }
    CHECK(client.running() == 64);
    drain(client);
    REQUIRE(seen.outcomes.size() == 64);
    for (const StreamOutcome& outcome : seen.outcomes) {
        CHECK(outcome.ok());
    }
    // One after another they would take 64 * 100 ms; at once, about 100 ms.
    CHECK(ms_between(begin, Clock::now()) < 64 * 100 / 2);
}

TEST_CASE("net::StreamClient classifies HTTP errors and keeps secrets out of messages") {
    SUBCASE("500") {
        MockLlm server({"--fault", "http-500"});
        HttpRequest request = chat(server);
        request.url.insert(7, "user:hunter2@");
        Seen seen;
        StreamOutcome outcome = one(request, {}, seen);
        CHECK(outcome.failure == StreamFailure::http_status);
        CHECK(outcome.status == 500);
        CHECK(to_string(outcome.failure) == "http_status");
        CHECK(outcome.message.find("HTTP 500") != std::string::npos);
        CHECK(outcome.message.find("scripted internal error") != std::string::npos);
        CHECK(outcome.message.find("hunter2") == std::string::npos);
        CHECK(outcome.message.find("sk-test-secret") == std::string::npos);
        CHECK(seen.body.find("scripted internal error") != std::string::npos);
    }
    SUBCASE("429") {
        MockLlm server({"--fault", "http-429"});
        Seen seen;
        StreamOutcome outcome = one(chat(server), {}, seen);
        CHECK(outcome.failure == StreamFailure::http_status);
        CHECK(outcome.status == 429);
    }
    SUBCASE("unknown model") {
        MockLlm server({"--model", "llama3"});
        Seen seen;
        StreamOutcome outcome = one(chat(server, true, "gpt-x"), {}, seen);
        CHECK(outcome.failure == StreamFailure::http_status);
        CHECK(outcome.status == 404);
        CHECK(outcome.message.find("gpt-x") != std::string::npos);
    }
}

TEST_CASE("net::StreamClient: a connection that breaks mid-stream is incomplete") {
    MockLlm server({"--fault", "close-mid-stream", "--chunks", "4"});
    Seen seen;
    StreamOutcome outcome = one(chat(server), {}, seen);
    CHECK(outcome.failure == StreamFailure::incomplete);
    CHECK(outcome.status == 200);
    CHECK(seen.body.find(R"("content":"tok ")") != std::string::npos);
    CHECK(seen.body.find("[DONE]") == std::string::npos);
}

TEST_CASE("net::StreamClient timeouts") {
    SUBCASE("no first byte in time") {
        MockLlm server({"--ttft-ms", "3000"});
        Seen seen;
        StreamOutcome outcome = one(chat(server, false), StreamTimeouts{0.2}, seen);
        CHECK(outcome.failure == StreamFailure::timeout);
        CHECK(outcome.message.find("no answer from") != std::string::npos);
        // curl starts its clock a moment before farm stamps `sent`, and checks it on its own
        // cached time: a few milliseconds early is curl's precision, not a missed timeout.
        CHECK(ms_between(outcome.sent, outcome.done) >= 200 - 10);
        CHECK(ms_between(outcome.sent, outcome.done) < 200 + 500);
    }
    SUBCASE("a stalled stream meets the total timeout") {
        MockLlm server({"--fault", "stall"});
        HttpRequest request = chat(server);
        request.total_timeout_s = 0.3;
        Seen seen;
        StreamOutcome outcome = one(request, StreamTimeouts{0.1}, seen);
        CHECK(outcome.failure == StreamFailure::timeout);
        CHECK(outcome.status == 200); // the head came, nothing after it
        CHECK(ms_between(outcome.sent, outcome.done) >= 300 - 10); // as above
        CHECK(ms_between(outcome.sent, outcome.done) < 300 + 500);
    }
}

TEST_CASE("net::StreamClient: a refused connection is a connect failure") {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd); // nothing listens there now
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1/models";
    Seen seen;
    StreamOutcome outcome = one(request, {}, seen);
    CHECK(outcome.failure == StreamFailure::connect);
    CHECK(outcome.status == 0);
    CHECK(!outcome.first_byte.has_value());
    CHECK(outcome.message.find("cannot reach http://127.0.0.1:") != std::string::npos);
}

TEST_CASE("net::StreamClient: the reader can stop a stream, the caller can cancel one") {
    MockLlm server({"--ttft-ms", "10", "--itl-ms", "10", "--chunks", "20"});
    SUBCASE("on_body returns false") {
        StreamClient client;
        Seen seen;
        StreamHandlers handlers = recording(seen);
        handlers.on_body = [&seen](std::string_view piece, SteadyTime) {
            seen.body.append(piece);
            return seen.body.find(R"("content":"tok ")") == std::string::npos;
        };
        client.start(chat(server), {}, std::move(handlers));
        drain(client);
        REQUIRE(seen.outcomes.size() == 1);
        CHECK(seen.outcomes[0].failure == StreamFailure::stream_error);
    }
    SUBCASE("cancel") {
        StreamClient client;
        Seen seen;
        TransferId id = client.start(chat(server), {}, recording(seen));
        client.poll(Clock::now() + std::chrono::milliseconds(50));
        CHECK(client.cancel(id, StreamFailure::cancelled, "stopped by the test"));
        CHECK_FALSE(client.cancel(id, StreamFailure::cancelled, "twice"));
        REQUIRE(seen.outcomes.size() == 1);
        CHECK(seen.outcomes[0].failure == StreamFailure::cancelled);
        CHECK(seen.outcomes[0].message == "stopped by the test");
        CHECK(client.running() == 0);
    }
}

TEST_CASE("net::StreamClient rejects a request it cannot send") {
    StreamClient client;
    HttpRequest request;
    CHECK_THROWS_AS(client.start(request, {}, {}), farm::UsageError);
    request.url = "http://127.0.0.1:1/";
    request.headers = {{"X-Bad", "line\r\nbreak"}};
    CHECK_THROWS_AS(client.start(request, {}, {}), farm::UsageError);
    CHECK(client.running() == 0);
}
