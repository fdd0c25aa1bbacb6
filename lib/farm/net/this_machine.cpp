#include "farm/net/this_machine.hpp"

#include "farm/net/easy_setup.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string>
#include <unistd.h>

namespace farm::net {

namespace {

std::string lower_case(std::string text) {
    for (char& c : text) {
        c = char(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

bool is_host_name(const std::string& host) {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return false;
    }
    // Exactly the name: "name.example.com" may be another machine that shares the first label.
    return host == lower_case(name);
}

std::string address_text(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(address);
        inet_ntop(AF_INET, &ipv4->sin_addr, text, sizeof text);
        return text;
    }
    if (address->sa_family == AF_INET6) {
        const auto* ipv6 = reinterpret_cast<const sockaddr_in6*>(address);
        inet_ntop(AF_INET6, &ipv6->sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]";
    }
    return {};
}

bool is_interface_address(const std::string& host) {
    ifaddrs* interfaces = nullptr;
    if (getifaddrs(&interfaces) != 0) {
        return false;
    }
    bool found = false;
    for (ifaddrs* entry = interfaces; entry && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr) {
            found = lower_case(address_text(entry->ifa_addr)) == host;
        }
    }
    freeifaddrs(interfaces);
    return found;
}

} // namespace

bool is_this_machine_url(std::string_view url) {
    if (is_loopback_url(url)) {
        return true;
    }
    std::string host = url_host(url);
    return !host.empty() && (is_host_name(host) || is_interface_address(host));
}

} // namespace farm::net
