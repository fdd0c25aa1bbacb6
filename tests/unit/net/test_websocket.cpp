#include "farm/net/websocket.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <regex>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using farm::net::WebSocket;

namespace {

// A one-connection WebSocket server: answers the handshake, sends "hello" (unmasked, as servers
// do), a ping and "second", reads one frame from the client, records whether it was masked, and
// sends its text back in two fragments.
struct EchoServer {
    int fd = -1;
    int port = 0;
    bool client_masked = false;
    bool pong_seen = false;
    std::string client_text;
    std::thread thread;

    EchoServer() {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        listen(fd, 1);
        socklen_t length = sizeof address;
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
        thread = std::thread([this] { serve(); });
    }
    ~EchoServer() {
        shutdown(fd, SHUT_RDWR);
        thread.join();
        close(fd);
    }

    static std::string read_frame(int client, bool& masked, int& opcode) {
        unsigned char head[2];
        if (recv(client, head, 2, MSG_WAITALL) != 2) {
            return {};
        }
        opcode = head[0] & 0x0f;
        masked = head[1] & 0x80;
        std::size_t length = head[1] & 0x7f; // the test's frames are short
        unsigned char mask[4] = {0, 0, 0, 0};
        if (masked) {
            recv(client, mask, 4, MSG_WAITALL);
        }
        std::string payload(length, '\0');
        recv(client, payload.data(), length, MSG_WAITALL);
        for (std::size_t i = 0; i < length; ++i) {
            payload[i] = char(payload[i] ^ mask[i % 4]);
        }
        return payload;
    }

    void serve() {
        int client = accept(fd, nullptr, nullptr);
        if (client < 0) {
            return;
        }
        std::string request;
        char c;
        while (request.find("\r\n\r\n") == std::string::npos && read(client, &c, 1) == 1) {
            request += c;
        }
        std::smatch key;
        std::regex_search(request, key, std::regex("Sec-WebSocket-Key: ([^\r]+)"));
        std::string answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                             farm::net::websocket_accept_for(key[1].str()) + "\r\n\r\n";
        answer += std::string("\x81\x05hello", 7);
        answer += std::string("\x89\x00", 2); // ping
        answer += std::string("\x81\x06second", 8);
        (void)!write(client, answer.data(), answer.size());
        int opcode = 0;
        bool masked = false;
        std::string payload = read_frame(client, masked, opcode);
        if (opcode == 10) { // the pong, then the text
            pong_seen = true;
            payload = read_frame(client, masked, opcode);
        }
        client_masked = masked;
        client_text = payload;
        std::string half = payload.substr(0, payload.size() / 2);
        std::string rest = payload.substr(payload.size() / 2);
        std::string echo;
        echo += char(0x01); // text, not final
        echo += char(half.size());
        echo += half;
        echo += char(0x80); // continuation, final
        echo += char(rest.size());
        echo += rest;
        (void)!write(client, echo.data(), echo.size());
        char drain[64];
        while (read(client, drain, sizeof drain) > 0) {
        }
        close(client);
    }
};

} // namespace

TEST_CASE("net::websocket_accept_for: the example of RFC 6455") {
    CHECK(farm::net::websocket_accept_for("dGhlIHNhbXBsZSBub25jZQ==") ==
          "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(farm::net::websocket_new_key(0, 0) == "AAAAAAAAAAAAAAAAAAAAAA==");
}

TEST_CASE("net::WebSocket: handshake, masked frames, pings answered, fragments joined") {
    EchoServer server;
    WebSocket socket("ws://127.0.0.1:" + std::to_string(server.port) + "/hmr?token=x", "vite-hmr",
                     2.0);
    CHECK(socket.receive(2.0) == std::optional<std::string>("hello"));
    CHECK(socket.receive(2.0) == std::optional<std::string>("second")); // the ping answered first
    socket.send_text("{\"id\":1}");
    CHECK(socket.receive(2.0) == std::optional<std::string>("{\"id\":1}"));
    CHECK(server.client_masked);
    CHECK(server.pong_seen);
    CHECK(server.client_text == "{\"id\":1}");
    CHECK_FALSE(socket.receive(0.05)); // nothing more: no message, no error
}

TEST_CASE("net::WebSocket: nothing listening, or not a ws:// URL") {
    int closed_port = 0;
    {
        EchoServer server;
        closed_port = server.port;
        WebSocket first("ws://127.0.0.1:" + std::to_string(server.port) + "/", "", 2.0);
    }
    CHECK_THROWS_AS(WebSocket("ws://127.0.0.1:" + std::to_string(closed_port) + "/", "", 0.5),
                    farm::NetworkError);
    CHECK_THROWS_AS(WebSocket("http://127.0.0.1:1/", "", 0.5), farm::NetworkError);
}
