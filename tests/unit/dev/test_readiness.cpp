#include "farm/dev/readiness.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

TEST_CASE("dev::http_answers_2xx is false when nothing listens") {
    int closed_port = 0;
    {
        Listener listener;
        closed_port = listener.port;
    }
    CHECK_FALSE(http_answers_2xx("http://127.0.0.1:" + std::to_string(closed_port) + "/", 0.5));
    CHECK_FALSE(http_body("http://127.0.0.1:" + std::to_string(closed_port) + "/", 0.5));
}

TEST_CASE("dev::printed_local_port finds the address dev servers print") {
    CHECK(printed_local_port("  ➜  Local:   http://localhost:5173/") == 5173);
    CHECK(printed_local_port("\x1b[32m➜\x1b[39m  Local: \x1b[36mhttp://localhost:\x1b[1m5174"
                             "\x1b[22m/\x1b[39m") == 5174);
    CHECK(printed_local_port("ready - started server on 0.0.0.0:3000, url: x") == 3000);
    CHECK(printed_local_port("listening on http://127.0.0.1:8080") == 8080);
    CHECK(printed_local_port("on http://[::1]:4000/") == 4000);
    CHECK_FALSE(printed_local_port("Network: http://192.168.1.5:5173/"));
    CHECK_FALSE(printed_local_port("compiled in 312 ms"));
    CHECK_FALSE(printed_local_port("http://localhost:99999"));
}

TEST_CASE("dev::url_host_port reads host and port, with the scheme's default") {
    CHECK(url_host_port("http://localhost:5173/x") ==
          std::make_pair(std::string("localhost"), 5173));
    CHECK(url_host_port("https://example.test/") ==
          std::make_pair(std::string("example.test"), 443));
    CHECK(url_host_port("http://u:p@127.0.0.1") == std::make_pair(std::string("127.0.0.1"), 80));
    CHECK(url_host_port("http://[::1]:8080/") == std::make_pair(std::string("::1"), 8080));
    CHECK_FALSE(url_host_port("ftp://host/"));
}
