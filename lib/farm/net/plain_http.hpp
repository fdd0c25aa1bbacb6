// The plain-HTTP path of StreamClient (internal to net/): a request that needs nothing of curl's —
// an http:// URL to an IP address, HTTP/1.1, no proxy in the way, no credentials in the URL —
// goes over farm's own non-blocking sockets, with its response read by Http1ResponseReader.
//
// Why: against a fast server, libcurl's own work per request (formatting the request through its
// printf, about 40 allocations, a liveness poll and a readiness poll per request, an epoll_ctl as
// it lets the socket go and takes it back) was the largest part of farm's CPU per request, and a
// load generator whose client costs more than the server measures itself. What is left here is
// one sendmsg and one recv a request on a kept-alive connection. Everything else (https, host
// names, proxies, HTTP/2, credentials in the URL) still goes through curl, which knows it better.
//
// Guarantees: a request sends the same head as curl sends for it (request line, Host,
// User-Agent, Accept unless the request names them, its own headers in order, Content-Length
// when a body goes, no Expect); a socket is close-on-exec and non-blocking, and is closed by its
// PlainConnection's destructor.
#pragma once

#include "farm/net/http_client.hpp"

#include <sys/socket.h>

#include <optional>
#include <string>

namespace farm::net {

struct PlainTarget {
    sockaddr_storage address{};
    socklen_t address_length = 0;
    std::string origin; // "127.0.0.1:8000", "[::1]:80": connections are kept per origin
    std::string host;   // the Host header: the URL's host, with its port unless 80
    std::string path;   // the request target: path and query, without the fragment
};

// Where a request goes on the plain path, or nullopt when it needs curl (see above; also a path
// with bytes curl would encode, an Expect header, or a proxy variable that may apply to it).
std::optional<PlainTarget> plain_target_of(const HttpRequest& request);

// The request's head up to (not including) its Content-Length line: request line, Host,
// User-Agent, Accept and the request's own headers.
std::string request_head_start(const HttpRequest& request, const PlainTarget& target);

// Appends the head's end to `head`: Content-Length when the request sends a body, the blank line.
void finish_request_head(std::string& head, const HttpRequest& request);

// One connection of the plain path: its socket, the origin it leads to, and whether the epoll
// set watches it for writing too (while a connect or a request is under way).
struct PlainConnection {
    int socket = -1;
    std::string origin;
    bool connecting = false;
    bool watches_output = false;

    PlainConnection() = default;
    PlainConnection(const PlainConnection&) = delete;
    PlainConnection& operator=(const PlainConnection&) = delete;
    ~PlainConnection();
};

// Starts a non-blocking connect to the target. Returns 0 (the connection is open or on its way:
// `connection.connecting` says which) or the errno of a connection that failed at once.
int start_connect(const PlainTarget& target, PlainConnection& connection);

// The outcome of a connect that was under way, once its socket is writable: 0 (connected),
// EINPROGRESS (not yet) or the errno it failed with.
int connect_result(const PlainConnection& connection);

} // namespace farm::net
