// Fuzzes what farm reads from a dev server besides its printed lines: the messages of its
// hot-reload socket (Vite's, Next.js webpack's and Turbopack's) and the page whose /_next/
// scripts farm subscribes to. The first byte picks the reader ('v', 'w', 't': a message of Vite,
// webpack or Turbopack; 'h': a page; anything else: a URL's path). No crash, no undefined
// behaviour; every script found is one the page names under /_next/.
#include "farm/core/text.hpp"
#include "farm/dev/hmr_client.hpp"
#include "farm/dev/next_hmr.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace farm::dev;

bool names_next_folder(const std::string& src) {
    for (std::size_t at = 0; at + 7 <= src.size(); ++at) {
        if (farm::core::equals_ignoring_case(std::string_view(src).substr(at, 7), "/_next/")) {
            return true;
        }
    }
    return false;
}

void read_message(HmrProtocol protocol, const std::string& message) {
    HmrSignal signal = classify_hmr_message(protocol, message);
    if (signal.kind == HmrSignalKind::update) {
        (void)hmr_message_name(protocol, signal.detail);
    }
}

void read_page(const std::string& html) {
    for (const NextScript& script : next_scripts(html)) {
        farm::fuzz::require(names_next_folder(script.src));
        farm::fuzz::require(html.find(script.src) != std::string::npos);
        (void)turbopack_subscribe_message(script.path);
    }
    (void)is_turbopack_chunk_list(html);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string rest(bytes.substr(1));
    switch (bytes.front()) {
    case 'v':
        read_message(HmrProtocol::vite, rest);
        break;
    case 'w':
        read_message(HmrProtocol::next_webpack, rest);
        break;
    case 't':
        read_message(HmrProtocol::next_turbopack, rest);
        break;
    case 'h':
        read_page(rest);
        break;
    default: {
        std::string path = url_path(rest);
        farm::fuzz::require(!path.empty() && path.front() == '/');
        (void)next_ping_messages(path);
    }
    }
    return 0;
}
