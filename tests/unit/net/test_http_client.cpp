// net::send against a tiny HTTP server that runs in a thread of the test: it accepts one
// connection on 127.0.0.1, reads one request and answers with a canned response (or, to test
// timeouts, never answers and waits for the client to hang up).
#include "farm/core/error.hpp"
#include "farm/net/http_client.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using namespace farm::net;

namespace {

// A listening socket on 127.0.0.1 with a port the kernel chose.
int listen_on_loopback(int& port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(fd, 4) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
    return fd;
}

class OneShotServer {
  public:
    // An empty canned response means: read the request, then never answer.
    explicit OneShotServer(std::string response) : m_response(std::move(response)) {
        m_listen_fd = listen_on_loopback(m_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~OneShotServer() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        close(m_listen_fd);
    }
    OneShotServer(const OneShotServer&) = delete;
    OneShotServer& operator=(const OneShotServer&) = delete;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    // The raw request as received; call after send() returned or threw.
    std::string request() {
        m_thread.join();
        return m_request;
    }

  private:
    void serve() {
        pollfd waiting{m_listen_fd, POLLIN, 0};
        if (poll(&waiting, 1, 5000) != 1) {
            return; // no client came: the test fails on its own checks
        }
        int fd = accept(m_listen_fd, nullptr, nullptr);
        if (fd < 0) {
            return;
        }
        read_request(fd);
        if (!m_response.empty()) {
            std::size_t sent = 0;
            while (sent < m_response.size()) {
                ssize_t n = write(fd, m_response.data() + sent, m_response.size() - sent);
                if (n <= 0) {
                    break;
                }
                sent += static_cast<std::size_t>(n);
            }
        } else {
            // Silent: wait until the client gives up and closes (or 10 s pass).
            char buffer[256];
            pollfd client{fd, POLLIN, 0};
            while (poll(&client, 1, 10000) == 1 && read(fd, buffer, sizeof buffer) > 0) {
            }
        }
        close(fd);
    }

    // Reads the head and as much body as Content-Length announces.
    void read_request(int fd) {
        char buffer[4096];
        std::size_t wanted = std::string::npos;
        while (m_request.size() < wanted) {
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n <= 0) {
                return;
            }
            m_request.append(buffer, static_cast<std::size_t>(n));
            std::size_t head_end = m_request.find("\r\n\r\n");
            if (head_end != std::string::npos && wanted == std::string::npos) {
                std::size_t length = 0;
                std::size_t field = m_request.find("Content-Length: ");
                if (field != std::string::npos && field < head_end) {
                    length = std::stoul(m_request.substr(field + 16));
                }
                wanted = head_end + 4 + length;
            }
        }
    }

    std::string m_response;
    std::string m_request;
    int m_listen_fd = -1;
    int m_port = 0;
    std::thread m_thread;
};

// A port nobody listens on: bound once by us, then released.
int unused_port() {
    int port = 0;
    int fd = listen_on_loopback(port);
    close(fd);
    return port;
}

std::string error_message_of(const HttpRequest& request) {
    try {
        send(request);
    } catch (const farm::NetworkError& e) {
        return e.what();
    }
    FAIL("send() did not throw farm::NetworkError");
    return {};
}

} // namespace

TEST_CASE("net::send carries method, path, headers and body, and returns the answer") {
    OneShotServer server("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\n"
                         "X-Answer: forty-two\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                         "hello");
    HttpRequest request;
    request.method = "PUT";
    request.url = server.url("/metrics/job/farm?x=1");
    request.headers = {{"Content-Type", "text/plain; version=0.0.4"}, {"X-Empty", ""}};
    request.body = "metric 1\n";
    HttpResponse response = send(request);

    CHECK(response.status == 201);
    CHECK(response.ok());
    CHECK(response.body == "hello");
    CHECK(response.header("x-answer") == std::optional<std::string>("forty-two"));
    CHECK_FALSE(response.header("X-Missing").has_value());

    std::string received = server.request();
    CHECK(received.starts_with("PUT /metrics/job/farm?x=1 HTTP/1.1\r\n"));
    CHECK(received.find("\r\nContent-Type: text/plain; version=0.0.4\r\n") != std::string::npos);
    CHECK(received.find("\r\nX-Empty:") != std::string::npos);
    CHECK(received.find("\r\nContent-Length: 9\r\n") != std::string::npos);
    CHECK(received.find("\r\nUser-Agent: farm/") != std::string::npos);
    CHECK(received.find("Expect:") == std::string::npos);
    CHECK(received.ends_with("\r\n\r\nmetric 1\n"));
}

TEST_CASE("net::send returns error statuses as responses, not exceptions") {
    OneShotServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n"
                         "Connection: close\r\n\r\nbad metrics");
    HttpRequest request;
    request.url = server.url("/x");
    HttpResponse response = send(request);
    CHECK(response.status == 400);
    CHECK_FALSE(response.ok());
    CHECK(response.body == "bad metrics");
    CHECK(server.request().starts_with("GET /x HTTP/1.1\r\n"));
}

TEST_CASE("net::send sends a body without a Content-Type only when the caller gives one") {
    OneShotServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    HttpRequest request;
    request.method = "POST";
    request.url = server.url("/post");
    request.body = "a=b";
    CHECK(send(request).status == 204);
    std::string received = server.request();
    CHECK(received.starts_with("POST /post HTTP/1.1\r\n"));
    CHECK(received.find("Content-Type") == std::string::npos); // not curl's form guess
}

TEST_CASE("net::send names the URL, without credentials, when nobody listens") {
    HttpRequest request;
    request.url = "http://user:secret@127.0.0.1:" + std::to_string(unused_port()) + "/metrics";
    request.peer_name = "the Pushgateway";
    request.headers = {{"Authorization", "Bearer hunter2"}};
    std::string message = error_message_of(request);
    CHECK(message.starts_with("cannot reach the Pushgateway at http://127.0.0.1:"));
    CHECK(message.find("Couldn't connect to server") != std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
    CHECK(message.find("user") == std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
}

TEST_CASE("net::send gives up on a server that never answers after total_timeout_s") {
    OneShotServer server("");
    HttpRequest request;
    request.url = server.url("/slow");
    request.total_timeout_s = 0.3;
    auto start = std::chrono::steady_clock::now();
    std::string message = error_message_of(request);
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(waited >= 0.25);
    CHECK(waited < 5);
    CHECK(message.starts_with("no complete answer from " + server.url("/slow") + " within 0.3 s"));
    CHECK(server.request().starts_with("GET /slow HTTP/1.1\r\n"));
}

TEST_CASE("net::send refuses requests it cannot send") {
    HttpRequest request;
    CHECK_THROWS_AS(send(request), farm::UsageError); // no URL
    request.url = "http://127.0.0.1:1/";
    request.method = "get";
    CHECK_THROWS_AS(send(request), farm::UsageError);
    request.method = "GET";
    request.headers = {{"X-Injected", "a\r\nHost: evil"}};
    CHECK_THROWS_AS(send(request), farm::UsageError);
    request.headers.clear();
    request.url = "file:///etc/passwd";
    CHECK_THROWS_AS(send(request), farm::UsageError);
}

TEST_CASE("net::url_for_messages drops credentials only") {
    CHECK(url_for_messages("https://user:pw@example.com:8443/a?b=c") ==
          "https://example.com:8443/a?b=c");
    CHECK(url_for_messages("http://token@host/x@y") == "http://host/x@y");
    CHECK(url_for_messages("user:pw@host:9091/metrics") == "host:9091/metrics");
    CHECK(url_for_messages("http://127.0.0.1:9091") == "http://127.0.0.1:9091");
    CHECK(url_for_messages("http://host/path?email=a@b") == "http://host/path?email=a@b");
}

TEST_CASE("net::percent_encode keeps only unreserved characters") {
    CHECK(percent_encode("abc-XYZ_0.9~") == "abc-XYZ_0.9~");
    CHECK(percent_encode("a b:c@d%") == "a%20b%3Ac%40d%25");
    CHECK(percent_encode("é") == "%C3%A9");
    CHECK(percent_encode("") == "");
}
