// One HTTP request and its complete answer, over libcurl.
//
// This is the only place in farm that talks HTTP: the Pushgateway push uses it today, and the AI
// benchmarks will drive many streamed requests at once through the same request description
// (curl's multi interface, a body callback). So an HttpRequest says everything about a request
// and nothing about how it is carried out; send() is the simplest way to carry one out.
//
// Guarantees:
// - send() returns for every answer the server gives, whatever its status (a 404 or a 500 is a
//   response, not an error); it throws farm::NetworkError only when there is no answer: the
//   server cannot be reached, the connection broke, or a timeout passed.
// - Error messages name the URL without its credentials (`user:password@` is removed) and never
//   contain request headers, so an Authorization header cannot leak into a terminal or a log.
// - libcurl is initialised once per process, safely from any thread. Proxies come from the
//   environment (http_proxy, https_proxy, no_proxy), as curl does by default, except for a
//   loopback URL (localhost, 127.0.0.0/8, ::1), which is never sent through a proxy, and a
//   request that says no_proxy. Only http and https URLs are followed; redirects are not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace farm::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET"; // GET, HEAD, POST, PUT, DELETE, PATCH...
    std::string url;
    HttpHeaders headers;           // sent as given; Content-Type is not guessed
    std::string body;              // sent when not empty (and always for POST, PUT, PATCH)
    double connect_timeout_s = 10; // 0: curl's default (300 s)
    double total_timeout_s = 60;   // the whole exchange, connection included; 0: no limit
    // false: HTTP/1.1, as vLLM's benchmark client speaks. true: HTTP/2 where the server agrees
    // over TLS (ALPN); a cleartext http:// URL stays on HTTP/1.1.
    bool http2 = false;
    // True: straight to the server whatever http_proxy says (a probe of a local dev server must
    // not go through a proxy, which would answer for it or not reach it at all).
    bool no_proxy = false;
    // Names the server in error messages: "the Pushgateway" gives
    // "cannot reach the Pushgateway at http://...". Empty: the URL alone.
    std::string peer_name;
};

struct HttpResponse {
    int status = 0;      // 200, 404...
    std::string body;    // the whole body, decoded from chunked transfer
    HttpHeaders headers; // of the final answer, in the order received, names as sent

    bool ok() const { return status >= 200 && status < 300; }
    // The first header of that name, compared without regard to case.
    std::optional<std::string> header(std::string_view name) const;
};

// Performs the request and waits for the whole answer. Throws farm::NetworkError when there is
// no answer (see the guarantees above) and farm::UsageError for a request that cannot be sent
// (an empty URL, a header with a line break in it).
HttpResponse send(const HttpRequest& request);

// The URL as it may be shown or stored: `scheme://user:password@host/...` loses
// `user:password@`, and credentials in its query (`?api_key=...`) are masked
// (core::redact_secrets).
std::string url_for_messages(std::string_view url);

// Percent-encodes everything but RFC 3986's unreserved characters (letters, digits, `-._~`), so
// that the result is one path segment or one query value whatever it contains.
std::string percent_encode(std::string_view text);

} // namespace farm::net
