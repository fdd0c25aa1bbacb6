// The plain-HTTP path of net::StreamClient (plain_http.hpp): which requests take it, that the
// server receives the same bytes as from curl (a capturing server on loopback), and that both
// paths end the same requests the same way against farm_mock_llm.
#include "farm/net/plain_http.hpp"
#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"
#include "support/stream_runs.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

HttpRequest request_to(const std::string& url) {
    HttpRequest request;
    request.url = url;
    return request;
}

// Accepts connections on loopback and answers every request with "ok", keeping each request's
// bytes (head and Content-Length body) as the client sent them.
class CapturingServer {
  public:
    // On 127.0.0.1, or on [::1] (bound() is false where this machine has no IPv6 loopback).
    // close_after_answer: each connection is closed right after its first answer, which says
    // nothing of it (no Connection: close), as a server restarting or reaping idle connections.
    explicit CapturingServer(bool ipv6 = false, bool close_after_answer = false)
        : m_host(ipv6 ? "[::1]" : "127.0.0.1"), m_close_after_answer(close_after_answer) {
        m_listener = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        sockaddr_storage address{};
        socklen_t length = 0;
        if (ipv6) {
            auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
            v6.sin6_family = AF_INET6;
            v6.sin6_addr = in6addr_loopback;
            length = sizeof v6;
        } else {
            auto& v4 = reinterpret_cast<sockaddr_in&>(address);
            v4.sin_family = AF_INET;
            v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            length = sizeof v4;
        }
        m_bound = bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                  listen(m_listener, 16) == 0;
        getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                            : reinterpret_cast<sockaddr_in&>(address).sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    bool bound() const { return m_bound; }
    ~CapturingServer() {
        shutdown(m_listener, SHUT_RDWR);
        close(m_listener);
        m_thread.join();
    }
    std::string url(const std::string& path) const {
        return "http://" + m_host + ":" + std::to_string(m_port) + path;
    }
    std::vector<std::string> requests() {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

  private:
    void serve() {
        int client = -1;
        while ((client = accept(m_listener, nullptr, nullptr)) >= 0) {
            answer(client);
            close(client);
        }
    }
    void answer(int client) {
        std::string bytes;
        char buffer[4096];
        while (true) {
            std::size_t head_end = bytes.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::size_t length_at = bytes.find("Content-Length: ");
                std::size_t body =
                    length_at < head_end ? std::stoul(bytes.substr(length_at + 16)) : 0;
                if (bytes.size() >= head_end + 4 + body) {
                    std::lock_guard lock(m_mutex);
                    m_requests.push_back(bytes.substr(0, head_end + 4 + body));
                    bytes.erase(0, head_end + 4 + body);
                    bool head = m_requests.back().starts_with("HEAD ");
                    std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
                    reply += head ? "" : "ok"; // a HEAD answer has no body
                    send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
                    if (m_close_after_answer) {
                        return;
                    }
                    continue;
                }
            }
            ssize_t got = recv(client, buffer, sizeof buffer, 0);
            if (got <= 0) {
                return;
            }
            bytes.append(buffer, std::size_t(got));
        }
    }

    std::string m_host;
    bool m_close_after_answer = false;
    int m_listener = -1;
    int m_port = 0;
    bool m_bound = false;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<std::string> m_requests;
};

std::vector<StreamOutcome> run_one_by_one(StreamClient& client,
                                          const std::vector<HttpRequest>& requests) {
    std::vector<StreamOutcome> outcomes;
    for (const HttpRequest& request : requests) {
        StreamHandlers handlers;
        handlers.on_done = [&outcomes](const StreamOutcome& o) { outcomes.push_back(o); };
        client.start(request, {}, std::move(handlers));
        farm::test::poll_until_done(client);
    }
    return outcomes;
}

} // namespace

TEST_CASE("net::plain_target_of: plain http:// to an IP address, nothing curl must handle") {
    std::optional<PlainTarget> target =
        plain_target_of(request_to("http://127.0.0.1:8000/v1/chat/completions"));
    REQUIRE(target);
    CHECK(target->origin == "127.0.0.1:8000");
    CHECK(target->host == "127.0.0.1:8000");
    CHECK(target->path == "/v1/chat/completions");
    target = plain_target_of(request_to("http://[::1]:8080?probe=1#part"));
    REQUIRE(target);
    CHECK(target->origin == "[::1]:8080");
    CHECK(target->path == "/?probe=1");
    target = plain_target_of(request_to("http://10.1.2.3:80/"));
    REQUIRE(target);
    CHECK(target->host == "10.1.2.3"); // the default port is left out, as curl does
    for (const char* url :
         {"https://127.0.0.1:8000/", "http://localhost:8000/", "http://user:pw@127.0.0.1/",
          "http://127.0.0.1:99999/", "http://127.0.0.1:/", "http://127.1/",
          "http://[fe80::1%25eth0]/", "http://127.0.0.1/a b", "http://127.0.0.1/a/../b",
          "ftp://127.0.0.1/"}) {
        CAPTURE(url);
        CHECK_FALSE(plain_target_of(request_to(url)));
    }
    HttpRequest http2 = request_to("http://127.0.0.1/");
    http2.http2 = true;
    CHECK_FALSE(plain_target_of(http2));
    HttpRequest expect = request_to("http://127.0.0.1/");
    expect.headers = {{"expect", "100-continue"}};
    CHECK_FALSE(plain_target_of(expect));

    // A proxy variable may apply to a remote address (curl reads no_proxy); never to loopback.
    std::optional<std::string> old;
    if (const char* value = std::getenv("http_proxy")) {
        old = value;
    }
    setenv("http_proxy", "http://proxy.invalid:3128", 1);
    CHECK_FALSE(plain_target_of(request_to("http://10.1.2.3:8000/")));
    CHECK(plain_target_of(request_to("http://127.0.0.1:8000/")));
    HttpRequest direct = request_to("http://10.1.2.3:8000/");
    direct.no_proxy = true;
    CHECK(plain_target_of(direct));
    old ? (void)setenv("http_proxy", old->c_str(), 1) : (void)unsetenv("http_proxy");
}

TEST_CASE("net::StreamClient: the plain path sends the server the bytes curl sends") {
    CapturingServer server;
    std::vector<HttpRequest> requests;
    HttpRequest post = request_to(server.url("/v1/chat/completions?api-version=1"));
    post.method = "POST";
    post.headers = {{"Content-Type", "application/json"},
                    {"Authorization", "Bearer sk-test-0123456789"},
                    {"X-Empty", ""}};
    post.body = R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    requests.push_back(post);
    post.body += " "; // the same request with another body: only Content-Length and body change
    requests.push_back(post);
    HttpRequest get = request_to(server.url("/v1/models"));
    get.headers = {{"Accept", "application/json"}, {"User-Agent", "my-agent/2"}};
    requests.push_back(get);
    HttpRequest head = request_to(server.url("/health"));
    head.method = "HEAD";
    requests.push_back(head);
    HttpRequest large = post; // more than a socket takes at once: sent as it drains
    large.body = std::string(4 << 20, 'x');
    requests.push_back(large);
    HttpRequest put = request_to(server.url("/empty"));
    put.method = "PUT";
    requests.push_back(put);

    // One client after the other: the server answers one connection at a time, and a client
    // keeps its connection until it goes.
    std::vector<StreamOutcome> by_curl;
    std::vector<StreamOutcome> by_plain;
    {
        StreamClient through_curl(4, StreamTransport::curl_only);
        by_curl = run_one_by_one(through_curl, requests);
        CHECK(through_curl.plain_requests() == 0);
    }
    {
        StreamClient plain(4);
        by_plain = run_one_by_one(plain, requests);
        CHECK(plain.plain_requests() == requests.size());
    }
    REQUIRE(by_curl.size() == requests.size());
    REQUIRE(by_plain.size() == requests.size());
    std::vector<std::string> seen = server.requests();
    REQUIRE(seen.size() == 2 * requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        CAPTURE(i);
        CHECK(seen[requests.size() + i] == seen[i]);
        CHECK(by_plain[i].ok());
        CHECK(by_curl[i].ok());
        CHECK(by_plain[i].body_bytes == by_curl[i].body_bytes);
        CHECK(by_plain[i].new_connection == by_curl[i].new_connection);
    }
}

TEST_CASE("net::StreamClient: curl and the plain path end each request the same way") {
    struct Case {
        std::vector<std::string> server;
        double total_timeout_s;
        StreamFailure failure;
        int status;
        const char* message_start;
    };
    std::vector<Case> cases = {
        {{"--chunks", "3"}, 10, StreamFailure::none, 200, ""},
        {{"--fault", "http-500"}, 10, StreamFailure::http_status, 500, "HTTP 500 from http://"},
        {{"--fault", "http-429"}, 10, StreamFailure::http_status, 429, "HTTP 429 from http://"},
        {{"--fault", "close-mid-stream", "--chunks", "4"},
         10,
         StreamFailure::incomplete,
         200,
         "the answer from http://"},
        {{"--fault", "stall"}, 0.3, StreamFailure::timeout, 200, "no complete answer from http://"},
        {{"--fault", "huge-line"}, 10, StreamFailure::none, 200, ""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.server[1]);
        MockLlm server(c.server);
        HttpRequest request = farm::test::streamed_chat(server);
        request.total_timeout_s = c.total_timeout_s;
        std::vector<std::string> bodies;
        for (StreamTransport transport :
             {StreamTransport::curl_only, StreamTransport::plain_where_possible}) {
            StreamClient client(4, transport);
            std::string body;
            StreamOutcome outcome;
            StreamHandlers handlers;
            handlers.on_body = [&body](std::string_view piece, SteadyTime) {
                body.append(piece);
                return true;
            };
            handlers.on_done = [&outcome](const StreamOutcome& o) { outcome = o; };
            client.start(request, {}, std::move(handlers));
            farm::test::poll_until_done(client);
            CHECK(outcome.failure == c.failure);
            CHECK(outcome.status == c.status);
            CHECK(outcome.message.starts_with(c.message_start));
            CHECK(outcome.body_bytes == body.size());
            bodies.push_back(body);
        }
        if (c.failure != StreamFailure::incomplete && c.failure != StreamFailure::timeout) {
            CHECK(bodies[0] == bodies[1]); // cut streams end wherever the timing cut them
        }
    }
}

TEST_CASE("net::StreamClient: the plain path to an IPv6 address") {
    CapturingServer server(true);
    if (!server.bound()) {
        MESSAGE("no IPv6 loopback on this machine: skipped");
        return;
    }
    StreamClient client(4);
    std::vector<StreamOutcome> outcomes = run_one_by_one(
        client, {request_to(server.url("/v1/models")), request_to(server.url("/v1/models"))});
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].ok());
    CHECK(outcomes[0].new_connection);
    CHECK_FALSE(outcomes[1].new_connection);
    CHECK(client.plain_requests() == 2);
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[0].find("Host: [::1]:") != std::string::npos);
}

TEST_CASE("net::StreamClient: a request on a kept connection the server has closed goes again") {
    // Each next request starts from the last one's on_done, before the client could see the
    // server's close: it is sent on the dead connection, finds it closed before any answer, and
    // goes once more on a new one (what curl does too).
    for (StreamTransport transport :
         {StreamTransport::curl_only, StreamTransport::plain_where_possible}) {
        CapturingServer server(false, true);
        StreamClient client(4, transport);
        std::vector<StreamOutcome> outcomes;
        std::function<void()> next = [&] {
            StreamHandlers handlers;
            handlers.on_done = [&](const StreamOutcome& outcome) {
                outcomes.push_back(outcome);
                if (outcomes.size() < 4) {
                    next();
                }
            };
            client.start(request_to(server.url("/v1/models")), {}, std::move(handlers));
        };
        next();
        for (int turn = 0; turn < 100 && outcomes.size() < 4; ++turn) {
            client.poll(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        }
        REQUIRE(outcomes.size() == 4);
        for (const StreamOutcome& outcome : outcomes) {
            CHECK(outcome.ok());
            CHECK(outcome.new_connection);
        }
        CHECK(server.requests().size() == 4); // each answered once
    }
}
