// The probes that tell whether a dev service is ready, and whether something else already holds
// its port: a TCP connection that is accepted, an HTTP GET that answers 2xx, the address a server
// prints when it starts ("Local: http://localhost:5173/").
//
// Each probe answers once and quickly (it is called in a polling loop); none throws for a server
// that is not there yet: "no" is an answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace farm::dev {

// True when some address of `host` (IPv4 or IPv6: "localhost" may be either) accepts a TCP
// connection on `port` within `timeout_s`.
bool tcp_accepts(const std::string& host, int port, double timeout_s = 0.2);

// True when a GET of `url` answers with a 2xx status within `timeout_s`.
bool http_answers_2xx(const std::string& url, double timeout_s = 1.0);

// The body of a GET of `url`, or nothing when there is no 2xx answer within `timeout_s`.
std::optional<std::string> http_body(const std::string& url, double timeout_s = 1.0);

// The port of the first local URL in `line`: http(s)://localhost:N, http(s)://127.0.0.1:N,
// http(s)://0.0.0.0:N or http(s)://[::1]:N (ANSI colour codes, which dev servers like to print,
// are ignored). An address without the scheme ("connecting to postgres at localhost:5432") is
// not one: it is as often a service the server connects to as the server itself.
std::optional<int> printed_local_port(std::string_view line);

// The host and port a URL points at ("http://localhost:5173/x" -> localhost, 5173; the scheme's
// port when none is written). Empty when it is not an http(s) URL.
std::optional<std::pair<std::string, int>> url_host_port(const std::string& url);

} // namespace farm::dev
