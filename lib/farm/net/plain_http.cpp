#include "farm/net/plain_http.hpp"

#include "farm/net/easy_setup.hpp"

#include "farm/core/version.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace farm::net {

namespace {

// A proxy variable curl would read for an http:// URL (it ignores HTTP_PROXY in capitals).
bool proxy_may_apply() {
    for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') {
            return true;
        }
    }
    return false;
}

// Bytes curl sends as they are: printable ASCII without spaces, and no dot segments, which curl
// would resolve ("/a/../b" -> "/b").
bool sendable_path(std::string_view path) {
    for (char c : path) {
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }
    std::string_view before_query = path.substr(0, path.find('?'));
    return before_query.find("/./") == std::string_view::npos &&
           before_query.find("/../") == std::string_view::npos && !before_query.ends_with("/.") &&
           !before_query.ends_with("/..");
}

// "8000" -> 8000; 0 for anything that is not a port number.
int port_number(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return 0;
    }
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return 0;
        }
        port = port * 10 + (c - '0');
    }
    return port <= 65535 ? port : 0;
}

// The host's address (an IPv4 dotted quad or a bracketed IPv6 address without a zone) with the
// port set; false for a host name or anything else.
bool address_of(std::string_view host, int port, PlainTarget& target) {
    std::string text(host);
    if (host.starts_with('[')) {
        if (!host.ends_with(']')) {
            return false;
        }
        text = std::string(host.substr(1, host.size() - 2));
        auto& address = reinterpret_cast<sockaddr_in6&>(target.address);
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(std::uint16_t(port));
        target.address_length = sizeof(sockaddr_in6);
        return inet_pton(AF_INET6, text.c_str(), &address.sin6_addr) == 1;
    }
    auto& address = reinterpret_cast<sockaddr_in&>(target.address);
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    target.address_length = sizeof(sockaddr_in);
    return inet_pton(AF_INET, text.c_str(), &address.sin_addr) == 1;
}

} // namespace

std::optional<PlainTarget> plain_target_of(const HttpRequest& request) {
    std::string_view url = request.url;
    if (request.http2 || !url.starts_with("http://")) {
        return std::nullopt;
    }
    for (const char* header : {"Expect", "Content-Length", "Transfer-Encoding"}) {
        if (has_header(request.headers, header)) {
            return std::nullopt;
        }
    }
    if (!request.no_proxy && !is_loopback_url(url) && proxy_may_apply()) {
        return std::nullopt; // curl reads no_proxy and knows what the proxy needs
    }
    std::string_view rest = url.substr(7);
    std::size_t authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return std::nullopt; // credentials: curl sends them as Basic authentication
    }
    std::size_t port_colon =
        authority.find(':', authority.starts_with('[') ? authority.find(']') : 0);
    std::string_view host = authority.substr(0, port_colon);
    int port =
        port_colon == std::string_view::npos ? 80 : port_number(authority.substr(port_colon + 1));
    PlainTarget target;
    if (port == 0 || !address_of(host, port, target)) {
        return std::nullopt;
    }
    std::string_view path =
        authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
    path = path.substr(0, path.find('#'));
    if (!sendable_path(path)) {
        return std::nullopt;
    }
    target.path =
        path.empty() || path.starts_with('?') ? "/" + std::string(path) : std::string(path);
    target.origin = std::string(host) + ":" + std::to_string(port);
    target.host = port == 80 ? std::string(host) : target.origin;
    return target;
}

std::string request_head_start(const HttpRequest& request, const PlainTarget& target) {
    static const std::string user_agent = std::string("farm/") + farm::version;
    std::string head = request.method + " " + target.path + " HTTP/1.1\r\n";
    if (!has_header(request.headers, "Host")) {
        head += "Host: " + target.host + "\r\n";
    }
    if (!has_header(request.headers, "User-Agent")) {
        head += "User-Agent: " + user_agent + "\r\n";
    }
    if (!has_header(request.headers, "Accept")) {
        head += "Accept: */*\r\n";
    }
    for (const auto& [name, value] : request.headers) {
        head += name + (value.empty() ? ":" : ": ") + value + "\r\n";
    }
    return head;
}

void finish_request_head(std::string& head, const HttpRequest& request) {
    if (sends_a_body(request)) {
        head += "Content-Length: ";
        head += std::to_string(request.body.size());
        head += "\r\n";
    }
    head += "\r\n";
}

PlainConnection::~PlainConnection() {
    if (socket >= 0) {
        close(socket);
    }
}

int start_connect(const PlainTarget& target, PlainConnection& connection) {
    int family = target.address.ss_family;
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    // As curl does: small writes (a request, then its body) go at once, not after Nagle's wait.
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    bool at_once =
        connect(fd, reinterpret_cast<const sockaddr*>(&target.address), target.address_length) == 0;
    if (!at_once && errno != EINPROGRESS) {
        int error = errno;
        close(fd);
        return error;
    }
    connection.socket = fd;
    connection.origin = target.origin;
    connection.connecting = !at_once;
    return 0;
}

int connect_result(const PlainConnection& connection) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(connection.socket, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        return errno;
    }
    if (error == 0) {
        // No error yet is not connected yet: a readiness event can be a closed socket's whose
        // number this one took.
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        if (getpeername(connection.socket, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
            return errno == ENOTCONN ? EINPROGRESS : errno;
        }
    }
    return error;
}

} // namespace farm::net
