// Helpers for the tests of net::StreamClient against farm_mock_llm: the scripted server's streamed
// chat request, and a loop that polls the client until nothing runs — at most 10 s, so that a hang
// fails the test instead of stalling the run.
#pragma once

#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"

#include <chrono>

namespace farm::test {

inline net::HttpRequest streamed_chat(const MockLlm& server) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = server.url("/v1/chat/completions");
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    return request;
}

inline void poll_until_done(net::StreamClient& client) {
    net::SteadyTime give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (client.running() > 0 && std::chrono::steady_clock::now() < give_up) {
        client.poll(give_up);
    }
}

} // namespace farm::test
