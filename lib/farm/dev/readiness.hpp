// The probes that tell whether a dev service is ready, and whether something else already holds
// its port: a TCP connection that is accepted, an HTTP GET that answers 2xx or 3xx, the address a
// server prints when it starts ("Local: http://localhost:5173/").
//
// Each probe answers once and quickly (it is called in a polling loop); none throws for a server
// that is not there yet: "no" is an answer. HTTP probes never go through a proxy from the
// environment: they ask a dev server on this machine, and a proxy would answer in its place.
#pragma once

#include "farm/core/ansi_text.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace farm::dev {

// True when some address of `host` (IPv4 or IPv6: "localhost" may be either) accepts a TCP
// connection on `port` within `timeout_s`.
bool tcp_accepts(const std::string& host, int port, double timeout_s = 0.2);

// The status of a GET of `url` (not following redirects), or nothing when there is no answer
// within `timeout_s`.
std::optional<int> http_status(const std::string& url, double timeout_s = 1.0);

// True when a GET of `url` answers with a 2xx or 3xx status within `timeout_s`: a root that
// redirects (to /en, to /login) is a server that is up. The redirect is not followed.
bool http_answers_ready(const std::string& url, double timeout_s = 1.0);

// The body of a GET of `url`, or nothing when there is no 2xx answer within `timeout_s`.
std::optional<std::string> http_body(const std::string& url, double timeout_s = 1.0);

// Dev servers colour their output even into a pipe: user patterns are matched against the
// text without its ANSI escape sequences.
using core::strip_ansi;

// A local address a server printed.
struct PrintedUrl {
    std::string url; // "http://localhost:5173/" (0.0.0.0 and [::] become localhost)
    int port = 0;
    bool marked_local =
        false; // on the line the tool marks as its own: Vite "Local:", Next "- Local:"
};

// The first local URL in `line`: http(s)://localhost:N, http(s)://127.0.0.1:N,
// http(s)://0.0.0.0:N or http(s)://[::1]:N (ANSI colour codes are ignored). An address without
// the scheme ("connecting to postgres at localhost:5432") is not one: it is as often a service
// the server connects to as the server itself.
std::optional<PrintedUrl> printed_local_url(std::string_view line);

// The port of printed_local_url(line).
std::optional<int> printed_local_port(std::string_view line);

// Which printed address a service is probed at: the first one seen, until a line the tool marks
// as local (Vite's "Local:", Next's "- Local:") names one; that one then stays.
class PrintedAddress {
  public:
    void see(std::string_view line);
    const std::optional<PrintedUrl>& current() const { return m_current; }

  private:
    std::optional<PrintedUrl> m_current;
};

// The host and port a URL points at ("http://localhost:5173/x" -> localhost, 5173; the scheme's
// port when none is written). Empty when it is not an http(s) URL, its port is not 1-65535 or it
// is longer than longest_probed_url (no dev server prints one that long).
constexpr std::size_t longest_probed_url = 8192;
std::optional<std::pair<std::string, int>> url_host_port(const std::string& url);

} // namespace farm::dev
