// net::StreamClient's transport against farm_mock_llm on loopback: the first-content timeout, the
// connection facts of each outcome (connect_ms, HTTP version), loopback requests that ignore an
// environment proxy, and the open-file limit.
#include "farm/core/error.hpp"
#include "farm/net/easy_setup.hpp"
#include "farm/net/open_files.hpp"
#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"
#include "support/stream_runs.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

// Starts the requests, runs them to their end, returns their outcomes in the order they ended.
std::vector<StreamOutcome> run_all(StreamClient& client, const std::vector<HttpRequest>& requests,
                                   StreamTimeouts timeouts,
                                   std::function<bool()> has_content = {}) {
    std::vector<StreamOutcome> outcomes;
    for (const HttpRequest& request : requests) {
        StreamHandlers handlers;
        handlers.on_body = [](std::string_view, SteadyTime) { return true; };
        handlers.on_done = [&outcomes](const StreamOutcome& o) { outcomes.push_back(o); };
        handlers.has_content = has_content;
        client.start(request, timeouts, std::move(handlers));
    }
    farm::test::poll_until_done(client);
    REQUIRE(client.running() == 0);
    return outcomes;
}

// Sets an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (m_old) {
            setenv(m_name, m_old->c_str(), 1);
        } else {
            unsetenv(m_name);
        }
    }

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("net::StreamClient: the first-content timeout fires after an early response head") {
    // The stall fault sends the 200 head at once, then nothing: the first-byte timeout is
    // satisfied, only the content timeout can end the wait.
    MockLlm server({"--fault", "stall"});
    StreamClient client;
    StreamTimeouts timeouts;
    timeouts.first_byte_s = 5;
    timeouts.first_content_s = 0.2;
    std::vector<StreamOutcome> outcomes =
        run_all(client, {farm::test::streamed_chat(server)}, timeouts, [] { return false; });
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].status == 200);
    CHECK(outcomes[0].failure == StreamFailure::timeout);
    CHECK(outcomes[0].message.find("no content token from") != std::string::npos);
}

TEST_CASE("net::StreamClient: content in time ends the first-content wait") {
    MockLlm server({"--ttft-ms", "10", "--itl-ms", "100", "--chunks", "4"});
    StreamClient client;
    StreamTimeouts timeouts;
    timeouts.first_content_s = 0.05; // passes while the stream goes on; content came before
    bool seen = false;
    std::vector<StreamOutcome> outcomes = run_all(client, {farm::test::streamed_chat(server)},
                                                  timeouts, [&seen] { return seen = true; });
    REQUIRE(outcomes.size() == 1);
    CHECK(seen); // it was asked
    CHECK(outcomes[0].ok());
}

TEST_CASE("net::StreamClient: connection facts of each outcome") {
    MockLlm server({"--chunks", "1"});
    StreamClient client(4);
    std::vector<StreamOutcome> first = run_all(client, {farm::test::streamed_chat(server)}, {});
    std::vector<StreamOutcome> second = run_all(client, {farm::test::streamed_chat(server)}, {});
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    CHECK(first[0].new_connection);
    REQUIRE(first[0].connect_ms.has_value());
    CHECK(*first[0].connect_ms > 0);
    CHECK(!second[0].new_connection); // kept alive
    CHECK(!second[0].connect_ms.has_value());
    CHECK(first[0].http_version == "1.1");
    CHECK(second[0].http_version == "1.1");
}

TEST_CASE("net::StreamClient: a loopback request ignores an environment proxy") {
    MockLlm server({"--chunks", "1"});
    // A proxy that cannot be reached: port 1 on loopback, where nothing listens.
    ScopedEnv http_proxy("http_proxy", "http://127.0.0.1:1");
    ScopedEnv all_proxy("ALL_PROXY", "http://127.0.0.1:1");
    ScopedEnv no_proxy("no_proxy", "");
    ScopedEnv no_proxy_upper("NO_PROXY", "");
    StreamClient client;
    std::vector<StreamOutcome> outcomes = run_all(client, {farm::test::streamed_chat(server)}, {});
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].ok());
    CHECK(outcomes[0].message == "");
}

TEST_CASE("net::is_loopback_url") {
    CHECK(is_loopback_url("http://127.0.0.1:8000/v1"));
    CHECK(is_loopback_url("http://127.1.2.3/"));
    CHECK(is_loopback_url("http://localhost:11434"));
    CHECK(is_loopback_url("http://LOCALHOST"));
    CHECK(is_loopback_url("http://api.localhost/x"));
    CHECK(is_loopback_url("http://[::1]:8080/v1"));
    CHECK(is_loopback_url("http://user:pw@127.0.0.1:80/"));
    CHECK(!is_loopback_url("http://128.0.0.1/"));
    CHECK(!is_loopback_url("http://127.0.0.1.example.com/"));
    CHECK(!is_loopback_url("http://localhost.example.com/"));
    CHECK(!is_loopback_url("https://api.openai.com/v1"));
    CHECK(!is_loopback_url("http://[::2]/"));
    CHECK(!is_loopback_url("http://10.0.0.1/"));
}

TEST_CASE("net::ensure_open_files raises the soft limit, or says the hard one is too low") {
    rlimit before{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &before) == 0);
    if (before.rlim_max != RLIM_INFINITY && before.rlim_max < 2 * spare_descriptors + 16) {
        return; // too tight a machine to lower the soft limit and raise it again
    }
    rlimit lowered = before;
    lowered.rlim_cur = spare_descriptors + 16;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    ensure_open_files(spare_descriptors); // needs 2 * spare: above the soft, below the hard
    rlimit after{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &after) == 0);
    CHECK(after.rlim_cur >= 2 * spare_descriptors);
    if (before.rlim_max != RLIM_INFINITY) {
        CHECK_THROWS_AS(ensure_open_files(std::size_t(before.rlim_max)), farm::UsageError);
    }
    REQUIRE(setrlimit(RLIMIT_NOFILE, &before) == 0);
}
