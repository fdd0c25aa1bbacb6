// net::StreamClient keeps a recycled handle's curl set-up when the next request differs only in
// its body: the server must still get every request's own body, and a request to another URL or
// with other headers gets a full set-up.
#include "farm/net/stream_client.hpp"

#include "support/files.hpp"
#include "support/mock_llm.hpp"
#include "support/stream_runs.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

HttpRequest asking(const MockLlm& server, const std::string& path, const std::string& prompt) {
    HttpRequest request;
    request.method = "POST";
    request.url = server.url(path);
    request.headers = {{"Content-Type", "application/json"}};
    nlohmann::json body = {{"model", "m"}, {"stream", true}};
    if (path == "/api/generate") {
        body["prompt"] = prompt;
    } else {
        body["messages"] = {{{"role", "user"}, {"content", prompt}}};
    }
    request.body = body.dump();
    return request;
}

bool run_one(StreamClient& client, const HttpRequest& request) {
    bool ok = false;
    StreamHandlers handlers;
    handlers.on_body = [](std::string_view, SteadyTime) { return true; };
    handlers.on_done = [&ok](const StreamOutcome& outcome) { ok = outcome.ok(); };
    client.start(request, {}, handlers);
    farm::test::poll_until_done(client);
    return ok;
}

} // namespace

TEST_CASE("net::StreamClient sends each request's own body on a handle that kept its set-up") {
    std::filesystem::path log = farm::test::fresh_folder("net", "handle_reuse") / "requests.jsonl";
    MockLlm server({"--chunks", "1", "--record-requests", log.string()});
    StreamClient client(4);
    // One handle is recycled from request to request (they run one at a time).
    std::string longer(3000, 'x'); // a body that outgrows the earlier ones' buffer
    std::vector<std::pair<std::string, std::string>> sent = {
        {"/v1/chat/completions", "first"}, {"/v1/chat/completions", "second"},
        {"/v1/chat/completions", longer},  {"/api/generate", "another URL"},
        {"/api/generate", "same again"},   {"/v1/chat/completions", "back"},
    };
    std::vector<std::size_t> kept;
    for (const auto& [path, prompt] : sent) {
        CHECK(run_one(client, asking(server, path, prompt)));
        kept.push_back(client.setups_kept());
    }
    // Kept: the 2nd and 3rd (same URL), the 5th (same as the 4th); set up anew for a new URL.
    CHECK(kept == std::vector<std::size_t>{0, 1, 2, 2, 3, 3});

    HttpRequest with_header = asking(server, "/v1/chat/completions", "with a header");
    with_header.headers.emplace_back("X-Extra", "1");
    CHECK(run_one(client, with_header));
    CHECK(client.setups_kept() == 3);
    sent.emplace_back("/v1/chat/completions", "with a header");

    std::istringstream lines(farm::test::read_file(log));
    std::string line;
    std::size_t at = 0;
    while (std::getline(lines, line)) {
        REQUIRE(at < sent.size());
        nlohmann::json recorded = nlohmann::json::parse(line);
        const auto& [path, prompt] = sent[at++];
        CHECK(recorded["path"] == path);
        const nlohmann::json& body = recorded["body"];
        std::string got = body.contains("prompt")
                              ? body["prompt"].get<std::string>()
                              : body["messages"][0]["content"].get<std::string>();
        CHECK(got == prompt);
    }
    CHECK(at == sent.size());
}
