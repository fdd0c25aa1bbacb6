// Fuzzes the SSE parser: no crash, no undefined behaviour, and the same events whether the input
// comes whole or in pieces.
#include "farm/ai/sse_parser.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>

namespace {

std::vector<farm::ai::SseEvent> parse(const std::vector<std::string_view>& pieces) {
    farm::ai::SseParser parser;
    std::vector<farm::ai::SseEvent> events;
    for (std::string_view piece : pieces) {
        parser.feed(piece, events);
    }
    parser.finish(events);
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::vector<farm::ai::SseEvent> whole = parse({bytes});
    std::vector<farm::ai::SseEvent> cut = parse(farm::fuzz::cut_in_pieces(bytes));
    farm::fuzz::require(whole.size() == cut.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
        farm::fuzz::require(whole[i].data == cut[i].data && whole[i].type == cut[i].type &&
                            whole[i].id == cut[i].id && whole[i].offset == cut[i].offset);
        farm::fuzz::require(whole[i].offset < size);
    }
    return 0;
}
