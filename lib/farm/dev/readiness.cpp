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

namespace {

// The answer to a GET, or nothing when there is none within the timeout.
std::optional<net::HttpResponse> get(const std::string& url, double timeout_s) {
    net::HttpRequest request;
    request.url = url;
    request.connect_timeout_s = timeout_s;
    request.total_timeout_s = timeout_s;
    request.no_proxy = true;
    try {
        return net::send(request);
    } catch (const NetworkError&) {
        // Not listening yet, or too slow to answer: not ready.
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> http_body(const std::string& url, double timeout_s) {
    std::optional<net::HttpResponse> response = get(url, timeout_s);
    if (response && response->ok()) {
        return response->body;
    }
    return std::nullopt;
}

std::optional<int> http_status(const std::string& url, double timeout_s) {
    std::optional<net::HttpResponse> response = get(url, timeout_s);
    return response ? std::optional<int>(response->status) : std::nullopt;
}

bool http_answers_ready(const std::string& url, double timeout_s) {
    std::optional<int> status = http_status(url, timeout_s);
    return status && *status >= 200 && *status < 400;
}

std::optional<PrintedUrl> printed_local_url(std::string_view line) {
    // The scheme is required: a bare "localhost:5432" is usually a client's target (a database,
    // an API) printed before the server's own address, and probing it would pass for ready.
    // The port must end where the digits end ("localhost:123456" is no port 12345).
    static const std::regex address(
        R"((https?)://(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]):([0-9]{1,5})(?![0-9])([^\s]*))");
    static const std::regex local_mark(R"((^|\s)(-\s+)?Local:\s)");
    std::string plain = strip_ansi(line);
    std::smatch match;
    if (!std::regex_search(plain, match, address)) {
        return std::nullopt;
    }
    int port = std::stoi(match[3].str());
    if (port < 1 || port > 65535) {
        return std::nullopt;
    }
    // A server listening on every address is reached at localhost.
    std::string host = match[2].str();
    if (host == "0.0.0.0" || host == "[::]") {
        host = "localhost";
    }
    std::string path = match[4].str();
    PrintedUrl printed;
    printed.url = match[1].str() + "://" + host + ":" + std::to_string(port) +
                  (path.empty() || path[0] != '/' ? "/" : path);
    printed.port = port;
    printed.marked_local = std::regex_search(plain, local_mark);
    return printed;
}

std::optional<int> printed_local_port(std::string_view line) {
    std::optional<PrintedUrl> printed = printed_local_url(line);
    return printed ? std::optional<int>(printed->port) : std::nullopt;
}

void PrintedAddress::see(std::string_view line) {
    if (m_current && m_current->marked_local) {
        return;
    }
    std::optional<PrintedUrl> printed = printed_local_url(line);
    if (printed && (!m_current || printed->marked_local)) {
        m_current = std::move(printed);
    }
}

std::optional<std::pair<std::string, int>> url_host_port(const std::string& url) {
    if (url.size() > longest_probed_url) {
        return std::nullopt; // std::regex recurses once per character of the host
    }
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
    std::string digits = match[3].str();
    if (match[3].matched &&
        (digits.size() > 5 || std::stoi(digits) < 1 || std::stoi(digits) > 65535)) {
        return std::nullopt; // no TCP port (and too many digits for stoi)
    }
    int port = match[3].matched ? std::stoi(digits) : (match[1].str().size() == 5) ? 443 : 80;
    return std::make_pair(host, port);
}

} // namespace farm::dev
