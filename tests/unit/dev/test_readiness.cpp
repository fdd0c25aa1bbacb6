#include "farm/dev/readiness.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

using namespace farm::dev;

namespace {

// A real listening socket on 127.0.0.1 at a port the kernel picks.
struct Listener {
    int fd = -1;
    int port = 0;
    Listener() {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        listen(fd, 8);
        socklen_t length = sizeof address;
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~Listener() { close(fd); }
};

// A one-request HTTP server on a Listener: answers the first connection with `status` (and a
// body), then closes. Enough for one probe.
struct OneAnswer {
    Listener listener;
    std::thread thread;
    explicit OneAnswer(int status) {
        thread = std::thread([this, status] {
            int client = accept(listener.fd, nullptr, nullptr);
            if (client < 0) {
                return;
            }
            char buffer[4096];
            (void)!read(client, buffer, sizeof buffer); // the request; its content does not matter
            std::string body = "status " + std::to_string(status) + "\n";
            std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 " X\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\nLocation: /elsewhere\r\nConnection: close\r\n\r\n" + body;
            (void)!write(client, answer.data(), answer.size());
            close(client);
        });
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(listener.port) + "/"; }
    ~OneAnswer() {
        shutdown(listener.fd, SHUT_RDWR); // wakes accept() when no probe came
        thread.join();
    }
};

} // namespace

TEST_CASE("dev::tcp_accepts tells a listening port from a closed one") {
    int closed_port = 0;
    {
        Listener listener;
        REQUIRE(listener.port > 0);
        CHECK(tcp_accepts("127.0.0.1", listener.port));
        CHECK(tcp_accepts("localhost", listener.port));
        closed_port = listener.port;
    }
    CHECK_FALSE(tcp_accepts("127.0.0.1", closed_port));
    CHECK_FALSE(tcp_accepts("no-such-host.invalid", 80));
}

TEST_CASE("dev::http_answers_ready is false when nothing listens") {
    int closed_port = 0;
    {
        Listener listener;
        closed_port = listener.port;
    }
    CHECK_FALSE(http_answers_ready("http://127.0.0.1:" + std::to_string(closed_port) + "/", 0.5));
    CHECK_FALSE(http_body("http://127.0.0.1:" + std::to_string(closed_port) + "/", 0.5));
}

TEST_CASE("dev::http_answers_ready: a 2xx or 3xx answer is ready, not any answer") {
    // A root that redirects (to /en, to a login page) is a server that is up.
    for (int status : {200, 204, 302, 307}) {
        OneAnswer server(status);
        CHECK_MESSAGE(http_answers_ready(server.url(), 2.0), status);
    }
    // A server that answers, but not with success: a Next.js "starting" 503, a 404 of the wrong
    // path, a 500 of a broken build.
    for (int status : {503, 404, 500}) {
        OneAnswer server(status);
        CHECK_FALSE_MESSAGE(http_answers_ready(server.url(), 2.0), status);
    }
    OneAnswer server(503);
    CHECK_FALSE(http_body(server.url(), 2.0));
}

TEST_CASE("dev::http_answers_ready never asks a proxy from the environment") {
    // A "proxy" that would answer 200 for everything: the probe must not go there.
    OneAnswer proxy(200);
    int closed_port = 0;
    {
        Listener listener;
        closed_port = listener.port;
    }
    setenv("http_proxy", proxy.url().c_str(), 1);
    setenv("HTTP_PROXY", proxy.url().c_str(), 1);
    bool ready = http_answers_ready("http://127.0.0.1:" + std::to_string(closed_port) + "/", 1.0);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    CHECK_FALSE(ready);
}

TEST_CASE("dev::http_answers_2xx: a port that accepts but never answers is not ready") {
    Listener listener; // listen()s, never accept()s or answers
    CHECK_FALSE(http_answers_ready("http://127.0.0.1:" + std::to_string(listener.port) + "/", 0.3));
}

TEST_CASE("dev::printed_local_port finds the address dev servers print") {
    CHECK(printed_local_port("  ➜  Local:   http://localhost:5173/") == 5173);
    CHECK(printed_local_port("\x1b[32m➜\x1b[39m  Local: \x1b[36mhttp://localhost:\x1b[1m5174"
                             "\x1b[22m/\x1b[39m") == 5174);
    // Next.js 12, Next.js 13+ started with -H 0.0.0.0, Parcel.
    CHECK(printed_local_port(
              "ready - started server on 0.0.0.0:3000, url: http://localhost:3000") == 3000);
    CHECK(printed_local_port("  - Local:        http://0.0.0.0:3001") == 3001);
    CHECK(printed_local_port("Server running at https://localhost:1234") == 1234);
    CHECK(printed_local_port("listening on http://127.0.0.1:8080") == 8080);
    CHECK(printed_local_port("on http://[::1]:4000/") == 4000);
    CHECK_FALSE(printed_local_port("Network: http://192.168.1.5:5173/"));
    CHECK_FALSE(printed_local_port("compiled in 312 ms"));
    CHECK_FALSE(printed_local_port("http://localhost:99999"));
}

TEST_CASE("dev::printed_local_port: lines that are not the server's own address") {
    // Where the server connects to, not where it listens: probing these would find the database
    // (or the other service) accepting and call a server ready that is not.
    CHECK_FALSE(printed_local_port("connecting to postgres at localhost:5432"));
    CHECK_FALSE(printed_local_port("DATABASE_URL=postgres://user@localhost:5432/app"));
    CHECK_FALSE(printed_local_port("redis: 127.0.0.1:6379 ready to accept connections"));
    CHECK_FALSE(printed_local_port("ready - started server on 0.0.0.0:3000")); // no URL: no port
    // An address without a port, or a port that runs on past five digits.
    CHECK_FALSE(printed_local_port("Local: http://localhost/"));
    CHECK_FALSE(printed_local_port("http://localhost:123456"));
    // A host that only ends or begins like a local one.
    CHECK_FALSE(printed_local_port("proxy to http://notlocalhost:3000"));
    CHECK_FALSE(printed_local_port("http://127.0.0.10:3000"));
    CHECK_FALSE(printed_local_port("http://localhost.example.test:3000"));
    // "ready" in another sense, with no address at all.
    CHECK_FALSE(printed_local_port("ready in 312 ms"));
    CHECK_FALSE(printed_local_port("Types are ready: 3000 files checked"));
}

TEST_CASE("dev::printed_local_url: the whole URL, and whether the line marks it local") {
    std::optional<PrintedUrl> vite =
        printed_local_url("  \x1b[32m➜\x1b[39m  \x1b[1mLocal\x1b[22m:   "
                          "\x1b[36mhttp://localhost:\x1b[1m5173\x1b[22m/\x1b[39m");
    REQUIRE(vite);
    CHECK(vite->url == "http://localhost:5173/");
    CHECK(vite->marked_local);
    std::optional<PrintedUrl> next = printed_local_url("   - Local:        http://0.0.0.0:3000");
    REQUIRE(next);
    CHECK(next->url == "http://localhost:3000/");
    CHECK(next->marked_local);
    std::optional<PrintedUrl> other =
        printed_local_url("proxying /api to http://127.0.0.1:8080/api");
    REQUIRE(other);
    CHECK(other->url == "http://127.0.0.1:8080/api");
    CHECK_FALSE(other->marked_local);
}

TEST_CASE("dev::PrintedAddress: the line marked local wins over an address printed before") {
    PrintedAddress address;
    address.see("connecting to postgres at localhost:5432"); // no scheme: not an address
    CHECK_FALSE(address.current());
    address.see("proxying /api to http://127.0.0.1:8080/");
    REQUIRE(address.current());
    CHECK(address.current()->port == 8080);
    address.see("  ➜  Local:   http://localhost:5173/");
    CHECK(address.current()->port == 5173);
    address.see("  ➜  Network: http://localhost:9999/"); // after the marked one: ignored
    address.see("  - Local: http://localhost:7777/");    // the first marked one stays
    CHECK(address.current()->port == 5173);
}

TEST_CASE("dev::url_host_port reads host and port, with the scheme's default") {
    CHECK(url_host_port("http://localhost:5173/x") ==
          std::make_pair(std::string("localhost"), 5173));
    CHECK(url_host_port("https://example.test/") ==
          std::make_pair(std::string("example.test"), 443));
    CHECK(url_host_port("http://u:p@127.0.0.1") == std::make_pair(std::string("127.0.0.1"), 80));
    CHECK(url_host_port("http://[::1]:8080/") == std::make_pair(std::string("::1"), 8080));
    CHECK_FALSE(url_host_port("ftp://host/"));
    // No TCP port: nothing (a port of 40 digits made std::stoi throw; found by fuzz_dev_lines).
    CHECK_FALSE(url_host_port("http://localhost:0/"));
    CHECK_FALSE(url_host_port("http://localhost:70000/"));
    CHECK_FALSE(url_host_port("http://localhost:" + std::string(40, '2') + "/"));
    // A megabyte host (a config's ready.url) overflowed std::regex's stack: nothing, no crash.
    CHECK_FALSE(url_host_port("http://" + std::string(1 << 20, 'a')));
    std::string longest = "http://localhost:3000/" + std::string(longest_probed_url - 22, 'p');
    CHECK(url_host_port(longest) == std::make_pair(std::string("localhost"), 3000));
    CHECK_FALSE(url_host_port(longest + "p"));
}

TEST_CASE("dev::url_host_port: what is not an http(s) URL gives nothing") {
    CHECK_FALSE(url_host_port("localhost:5173")); // no scheme
    CHECK_FALSE(url_host_port("127.0.0.1:5173/"));
    CHECK_FALSE(url_host_port("http//localhost:5173"));
    CHECK_FALSE(url_host_port("postgres://localhost:5432/app"));
    CHECK_FALSE(url_host_port(" http://localhost:5173")); // the scheme must start the URL
    CHECK_FALSE(url_host_port("http://"));
    CHECK_FALSE(url_host_port(""));
}
