#include "farm/dev/readiness.hpp"

#include "farm/core/error.hpp"
#include "farm/net/http_client.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <regex>
#include <sys/socket.h>
#include <unistd.h>

namespace farm::dev {

namespace {

bool connect_within(const addrinfo& address, int timeout_ms) {
    int fd = socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    address.ai_protocol);
    if (fd < 0) {
        return false;
    }
    bool accepted = false;
    if (connect(fd, address.ai_addr, address.ai_addrlen) == 0) {
        accepted = true;
    } else if (errno == EINPROGRESS) {
        pollfd p = {fd, POLLOUT, 0};
        if (poll(&p, 1, timeout_ms) == 1) {
            int error = 0;
            socklen_t length = sizeof error;
            accepted = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
        }
    }
    close(fd);
    return accepted;
}

} // namespace

bool tcp_accepts(const std::string& host, int port, double timeout_s) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses) != 0) {
        return false;
    }
    bool accepted = false;
    for (addrinfo* a = addresses; a && !accepted; a = a->ai_next) {
        accepted = connect_within(*a, int(timeout_s * 1000));
    }
    freeaddrinfo(addresses);
    return accepted;
}

std::optional<std::string> http_body(const std::string& url, double timeout_s) {
    net::HttpRequest request;
    request.url = url;
    request.connect_timeout_s = timeout_s;
    request.total_timeout_s = timeout_s;
    try {
        net::HttpResponse response = net::send(request);
        if (response.ok()) {
            return response.body;
        }
    } catch (const NetworkError&) {
        // Not listening yet, or too slow to answer: not ready.
    }
    return std::nullopt;
}

bool http_answers_2xx(const std::string& url, double timeout_s) {
    return http_body(url, timeout_s).has_value();
}

std::optional<int> printed_local_port(std::string_view line) {
    static const std::regex ansi("\x1b\\[[0-9;]*[A-Za-z]");
    // The scheme is required: a bare "localhost:5432" is usually a client's target (a database,
    // an API) printed before the server's own address, and probing it would pass for ready.
    // The port must end where the digits end ("localhost:123456" is no port 12345).
    static const std::regex address(
        R"(https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]):([0-9]{1,5})(?![0-9]))");
    std::string plain = std::regex_replace(std::string(line), ansi, "");
    std::smatch match;
    if (!std::regex_search(plain, match, address)) {
        return std::nullopt;
    }
    int port = std::stoi(match[1].str());
    if (port < 1 || port > 65535) {
        return std::nullopt;
    }
    return port;
}

std::optional<std::pair<std::string, int>> url_host_port(const std::string& url) {
    static const std::regex pattern(
        R"(^(https?)://(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)(?::([0-9]+))?)", std::regex::icase);
    std::smatch match;
    if (!std::regex_search(url, match, pattern)) {
        return std::nullopt;
    }
    std::string host = match[2].str();
    if (host.size() > 2 && host.front() == '[') {
        host = host.substr(1, host.size() - 2);
    }
    int port = match[3].matched               ? std::stoi(match[3].str())
               : (match[1].str().size() == 5) ? 443
                                              : 80;
    return std::make_pair(host, port);
}

} // namespace farm::dev
