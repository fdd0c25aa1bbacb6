// net::StreamClient's wait (stream_events.hpp: curl's socket interface over epoll): a readable
// wake-up descriptor ends poll() while transfers are still waiting for their server, another
// descriptor can take its place between calls, and the transfers go on afterwards.
#include "farm/net/stream_client.hpp"

#include "support/mock_llm.hpp"
#include "support/stream_runs.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

using namespace farm::net;
using farm::test::MockLlm;

namespace {

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
    client.start(farm::test::streamed_chat(server), {}, handlers);
    client.start(farm::test::streamed_chat(server), {}, handlers);
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

namespace {

// A one-thread HTTP/1.1 server for the parked-socket case: answers each request on a kept-alive
// connection with "ok", and closes the first connection when told to.
class ClosingServer {
  public:
    ClosingServer() {
        m_listen = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(listen(m_listen, 4) == 0);
        socklen_t length = sizeof address;
        getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~ClosingServer() {
        shutdown(m_listen, SHUT_RDWR);
        close(m_listen);
        m_thread.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/"; }
    // Closes the first connection (the client holds it idle) and waits until it is closed.
    void close_first() {
        m_close.set_value();
        m_closed.get_future().wait();
    }

  private:
    static bool answer_one(int connection) {
        std::string request;
        char buffer[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            ssize_t got = read(connection, buffer, sizeof buffer);
            if (got <= 0) {
                return false;
            }
            request.append(buffer, std::size_t(got));
        }
        std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        return write(connection, answer.data(), answer.size()) == ssize_t(answer.size());
    }
    void serve() {
        int first = accept(m_listen, nullptr, nullptr);
        if (first < 0) {
            return;
        }
        answer_one(first);
        m_close.get_future().wait();
        close(first);
        m_closed.set_value();
        while (true) {
            int next = accept(m_listen, nullptr, nullptr);
            if (next < 0) {
                return;
            }
            while (answer_one(next)) {
            }
            close(next);
        }
    }

    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
    std::promise<void> m_close;
    std::promise<void> m_closed;
};

bool get_ok(StreamClient& client, const std::string& url, bool& new_connection) {
    HttpRequest request;
    request.url = url;
    bool ok = false;
    StreamHandlers handlers;
    handlers.on_done = [&](const StreamOutcome& outcome) {
        ok = outcome.ok();
        new_connection = outcome.new_connection;
    };
    client.start(request, {}, handlers);
    farm::test::poll_until_done(client);
    return ok;
}

} // namespace

TEST_CASE("net::StreamClient: a kept-alive connection the server closes while idle is let go") {
    ClosingServer server;
    StreamClient client(4);
    bool new_connection = false;
    REQUIRE(get_ok(client, server.url(), new_connection));
    CHECK(new_connection);
    server.close_first(); // the idle connection's socket becomes readable (end of stream)

    // Nothing runs: the wait must sleep to its deadline, not wake again and again for a socket
    // that curl does not watch (each wake would be one more stretch of the loop).
    client.reset_loop_load();
    client.poll(std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    client.end_busy_stretch();
    CHECK(client.loop_load().stretches <= 5);

    // The next request finds the connection dead and opens another.
    REQUIRE(get_ok(client, server.url(), new_connection));
    CHECK(new_connection);
}
