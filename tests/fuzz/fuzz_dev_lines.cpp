// Fuzzes what farm reads in a dev server's output to decide where and when it is ready: the
// printed local URL (ANSI colours stripped) and the host and port of a URL. No crash, no undefined
// behaviour; a URL found is one farm can probe (a port in range, on this machine).
#include "farm/dev/readiness.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view line(reinterpret_cast<const char*>(data), size);
    (void)farm::dev::strip_ansi(line);
    std::optional<farm::dev::PrintedUrl> url = farm::dev::printed_local_url(line);
    if (url) {
        if (url->port < 1 || url->port > 65535) {
            std::abort();
        }
        if (!farm::dev::url_host_port(url->url)) {
            std::abort();
        }
    }
    farm::dev::PrintedAddress address;
    address.see(line);
    (void)farm::dev::url_host_port(std::string(line));
    return 0;
}
