// Whether a URL's server runs on this machine, so that this machine's GPU telemetry describes it.
//
// True for loopback hosts (see is_loopback_url), this machine's host name, and any address of one
// of its network interfaces (literal IPv4 or bracketed IPv6). No name is resolved through DNS:
// a name that is not loopback or the host name counts as another machine, which leaves GPU
// telemetry off rather than charging a remote server with a local GPU's figures.
#pragma once

#include <string_view>

namespace farm::net {

bool is_this_machine_url(std::string_view url);

} // namespace farm::net
