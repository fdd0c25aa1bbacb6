#include "farm/net/websocket.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <random>
#include <regex>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace farm::net {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_message_bytes = std::size_t(64) << 20;

enum Opcode { continuation = 0, text = 1, binary = 2, close_frame = 8, ping = 9, pong = 10 };

int milliseconds_left(Clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    return int(std::max<long long>(0, left.count()));
}

// A connected, blocking TCP socket to host:port, or -1.
int connect_tcp(const std::string& host, const std::string& port, int timeout_ms) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses) != 0) {
        return -1;
    }
    int connected = -1;
    for (addrinfo* a = addresses; a && connected < 0; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            continue;
        }
        // Loopback connections are answered at once or refused; the timeout bounds the rest.
        timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            connected = fd;
        } else {
            close(fd);
        }
    }
    freeaddrinfo(addresses);
    return connected;
}

// The value of the first header line `name: value` (name in any case) of an answer's head; empty
// when there is none. Read line by line: the head may be 64 KiB, too long for std::regex.
std::string header_value(const std::string& head, const std::string& name) {
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos) {
        line += 2;
        std::size_t end = std::min(head.find("\r\n", line), head.size());
        std::string_view text(head.data() + line, end - line);
        bool named = text.size() > name.size() && text[name.size()] == ':' &&
                     std::equal(name.begin(), name.end(), text.begin(), [](char a, char b) {
                         return std::tolower(static_cast<unsigned char>(a)) ==
                                std::tolower(static_cast<unsigned char>(b));
                     });
        if (named) {
            std::string_view value = text.substr(name.size() + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
                value.remove_prefix(1);
            }
            return std::string(value);
        }
        line = end < head.size() ? end : std::string::npos;
    }
    return {};
}

} // namespace

WebSocket::WebSocket(const std::string& url, const std::string& protocol, double timeout_s,
                     const std::vector<std::string>& headers)
    : m_url(url) {
    static const std::regex pattern(R"(^ws://(\[[^\]]+\]|[^:/?#]+)(?::([0-9]+))?([^#]*)$)");
    std::smatch match;
    // std::regex recurses once per character: a URL is read only up to a length no server uses.
    constexpr std::size_t longest_url = 8192;
    if (url.size() > longest_url || !std::regex_match(url, match, pattern)) {
        throw NetworkError("'" + url + "' is not a ws:// URL");
    }
    std::string host = match[1].str();
    std::string port = match[2].matched ? match[2].str() : "80";
    std::string path = match[3].str().empty() ? "/" : match[3].str();
    std::string bare_host = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
    m_fd = connect_tcp(bare_host, port, std::max(1, int(timeout_s * 1000)));
    if (m_fd < 0) {
        throw NetworkError("cannot connect to " + url + ": " + std::strerror(errno));
    }
    try {
        handshake(host + ":" + port, path, protocol, headers, timeout_s);
    } catch (...) {
        close(m_fd);
        m_fd = -1;
        throw;
    }
}

WebSocket::~WebSocket() {
    if (m_fd >= 0) {
        try {
            send_frame(close_frame, "\x03\xe8"); // 1000: normal closure
        } catch (const std::exception&) {
            // The server may be gone already.
        }
        close(m_fd);
    }
}

void WebSocket::handshake(const std::string& host_header, const std::string& path,
                          const std::string& protocol, const std::vector<std::string>& headers,
                          double timeout_s) {
    std::random_device random;
    std::uint64_t high = (std::uint64_t(random()) << 32) | random();
    std::uint64_t low = (std::uint64_t(random()) << 32) | random();
    std::string key = websocket_new_key(high, low);
    std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: " + host_header +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
        "\r\nSec-WebSocket-Version: 13\r\n";
    if (!protocol.empty()) {
        request += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    }
    for (const std::string& line : headers) {
        request += line + "\r\n";
    }
    write_all(request + "\r\n");
    Clock::time_point until =
        Clock::now() + std::chrono::milliseconds(std::max(1, int(timeout_s * 1000)));
    std::size_t end = std::string::npos;
    while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
        if (m_buffer.size() > 65536 || !read_some(milliseconds_left(until))) {
            throw NetworkError("no WebSocket handshake answer from " + m_url);
        }
    }
    std::string head = m_buffer.substr(0, end + 2);
    m_buffer.erase(0, end + 4);
    std::string status_line = head.substr(0, head.find("\r\n"));
    if (status_line.rfind("HTTP/1.1 101", 0) != 0) {
        throw NetworkError(m_url + " refused the WebSocket connection (" + status_line + ")");
    }
    if (header_value(head, "Sec-WebSocket-Accept") != websocket_accept_for(key)) {
        throw NetworkError(m_url + " answered the WebSocket handshake with a wrong "
                                   "Sec-WebSocket-Accept");
    }
}

bool WebSocket::read_some(int timeout_ms) {
    pollfd p = {m_fd, POLLIN, 0};
    int ready = poll(&p, 1, timeout_ms);
    if (ready <= 0) {
        return false;
    }
    char chunk[65536];
    ssize_t got = recv(m_fd, chunk, sizeof chunk, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
        return false;
    }
    if (got <= 0) {
        throw NetworkError(m_url + " closed the connection");
    }
    m_buffer.append(chunk, std::size_t(got));
    return true;
}

bool WebSocket::take_frame(int& opcode, bool& fin, std::string& payload) {
    const auto* b = reinterpret_cast<const unsigned char*>(m_buffer.data());
    if (m_buffer.size() < 2) {
        return false;
    }
    fin = (b[0] & 0x80) != 0;
    opcode = b[0] & 0x0f;
    bool masked = (b[1] & 0x80) != 0;
    std::uint64_t length = b[1] & 0x7f;
    std::size_t offset = 2;
    if (length >= 126) {
        std::size_t bytes = length == 126 ? 2 : 8;
        if (m_buffer.size() < offset + bytes) {
            return false;
        }
        length = 0;
        for (std::size_t i = 0; i < bytes; ++i) {
            length = (length << 8) | b[offset + i];
        }
        offset += bytes;
    }
    if (length > max_message_bytes) {
        throw NetworkError(m_url + " sent a WebSocket frame over 64 MiB");
    }
    std::size_t mask_at = offset;
    offset += masked ? 4 : 0;
    if (m_buffer.size() < offset + length) {
        return false;
    }
    payload.assign(m_buffer, offset, std::size_t(length));
    if (masked) { // servers do not mask; if one does, the payload is still read right
        for (std::size_t i = 0; i < payload.size(); ++i) {
            payload[i] = char(payload[i] ^ m_buffer[mask_at + i % 4]);
        }
    }
    m_buffer.erase(0, offset + std::size_t(length));
    return true;
}

std::optional<std::string> WebSocket::receive(double timeout_s) {
    Clock::time_point until =
        Clock::now() +
        std::chrono::microseconds(std::max<long long>(0, static_cast<long long>(timeout_s * 1e6)));
    for (;;) {
        int opcode = 0;
        bool fin = false;
        std::string payload;
        while (take_frame(opcode, fin, payload)) {
            if (opcode == ping) {
                send_frame(pong, payload);
            } else if (opcode == close_frame) {
                throw NetworkError(m_url + " closed the WebSocket connection");
            } else if (opcode == text || opcode == binary || opcode == continuation) {
                m_pending += payload;
                if (m_pending.size() > max_message_bytes) {
                    throw NetworkError(m_url + " sent a WebSocket message over 64 MiB");
                }
                if (fin) {
                    std::string message = std::move(m_pending);
                    m_pending.clear();
                    return message;
                }
            }
        }
        int left = milliseconds_left(until);
        if (!read_some(left) && Clock::now() >= until) {
            return std::nullopt;
        }
    }
}

void WebSocket::send_text(std::string_view message) {
    send_frame(text, message);
}

void WebSocket::send_frame(int opcode, std::string_view payload) {
    std::string frame;
    frame += char(0x80 | opcode);
    if (payload.size() < 126) {
        frame += char(0x80 | payload.size());
    } else if (payload.size() <= 0xffff) {
        frame += char(0x80 | 126);
        frame += char(payload.size() >> 8);
        frame += char(payload.size() & 0xff);
    } else {
        frame += char(0x80 | 127);
        for (int i = 7; i >= 0; --i) {
            frame += char((std::uint64_t(payload.size()) >> (i * 8)) & 0xff);
        }
    }
    // A client masks every frame (RFC 6455 section 5.3) with a fresh key.
    static thread_local std::mt19937 generator{std::random_device{}()};
    char mask[4];
    for (char& m : mask) {
        m = char(generator() & 0xff);
    }
    frame.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame += char(payload[i] ^ mask[i % 4]);
    }
    write_all(frame);
}

void WebSocket::write_all(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent <= 0) {
            throw NetworkError("cannot write to " + m_url + ": " + std::strerror(errno));
        }
        bytes.remove_prefix(std::size_t(sent));
    }
}

} // namespace farm::net
