// Decoding a whole response in the unit tests of ai::ResponseDecoder: the pieces of a cut fed one
// after the other, a millisecond apart, then finish().
#pragma once

#include "farm/ai/response_decoder.hpp"

#include "ai/pieces.hpp"

#include <string>
#include <string_view>

namespace farm::test {

inline ai::DecodedResponse decode(ai::WireFormat format, bool streamed, const Cut& cut) {
    ai::ResponseDecoder decoder(format, streamed);
    double at_ms = 0;
    for (std::string_view piece : cut) {
        decoder.feed(piece, at_ms);
        at_ms += 1;
    }
    decoder.finish(at_ms);
    return decoder.result();
}

inline ai::DecodedResponse decode(ai::WireFormat format, bool streamed, std::string_view bytes) {
    return decode(format, streamed, Cut{bytes});
}

} // namespace farm::test
