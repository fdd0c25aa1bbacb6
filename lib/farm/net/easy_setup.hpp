// How an HttpRequest becomes a configured curl easy handle: shared by send() (one request,
// curl_easy_perform) and StreamClient (many at once, curl's multi interface), so that both send
// the same bytes for the same request and check it the same way.
//
// Guarantees: check_request() rejects what cannot be sent without ever quoting a header's value
// (it may be a secret); configure_request() leaves the write and header callbacks to the caller.
#pragma once

#include "farm/net/http_client.hpp"

#include <curl/curl.h>

#include <memory>

namespace farm::net {

struct SlistDeleter {
    void operator()(curl_slist* list) const;
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// Runs curl_global_init once per process (thread-safe) and returns the library.
const struct CurlLibrary& initialised_curl();

// Whether the request has a header of that name (compared without regard to case).
bool has_header(const HttpHeaders& headers, std::string_view name);

// POST, PUT and PATCH always send a body (an empty one too); other methods when they have one.
bool sends_a_body(const HttpRequest& request);

// Throws farm::UsageError for an empty URL, a bad method, or a header that cannot be sent.
void check_request(const HttpRequest& request);

// Sets URL, method, body, headers, timeouts, protocols, HTTP version, proxy and user agent on a
// fresh (or reset) handle. The handle keeps pointers into `request` (URL, body) and `error_buffer`
// (CURL_ERROR_SIZE bytes): both must outlive the transfer. `headers` receives the header list
// the handle uses. Throws farm::NetworkError when curl refuses an option.
void configure_request(CURL* easy, const HttpRequest& request, HeaderList& headers,
                       char* error_buffer);

// Whether a handle configured for `configured` sends `next` once only its body is set again
// (set_request_body): the same method, URL, headers, timeouts, HTTP version and proxy choice, and
// a body sent for both or for neither. A load of requests to one endpoint differs only in its
// bodies, and skipping curl_easy_reset and a dozen options per request is measurable there.
bool same_except_body(const HttpRequest& configured, const HttpRequest& next);

// Points a configured handle at `request.body` (its size, then its bytes), as configure_request
// does; for a handle that same_except_body() says may keep the rest of its set-up.
void set_request_body(CURL* easy, const HttpRequest& request);

// Whether the URL's host is this machine's loopback: localhost (and *.localhost), 127.0.0.0/8,
// [::1]. Such requests bypass any proxy the environment names: a proxy cannot reach them.
bool is_loopback_url(std::string_view url);

// The URL's host in lower case, without credentials or port; an IPv6 address keeps its
// brackets ("[::1]").
std::string url_host(std::string_view url);

// scheme://host:port of the URL without credentials, for errors about the server itself.
std::string origin_for_messages(std::string_view url);

} // namespace farm::net
