// Fuzzes the decoding of streamed OpenAI-compatible answers (SSE + JSON) and, on the same bytes,
// TGI's stream and a non-streamed body: no crash, no undefined behaviour, and the same answer
// whether the input comes whole or in pieces.
#include "farm/ai/response_decoder.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using farm::ai::DecodedResponse;
using farm::ai::WireFormat;

DecodedResponse decode(WireFormat format, bool streamed,
                       const std::vector<std::string_view>& pieces) {
    farm::ai::ResponseDecoder decoder(format, streamed);
    double at_ms = 0;
    for (std::string_view piece : pieces) {
        decoder.feed(piece, at_ms);
        at_ms += 1;
    }
    decoder.finish(at_ms);
    return decoder.result();
}

void check_same(WireFormat format, bool streamed, std::string_view bytes,
                const std::vector<std::string_view>& pieces) {
    DecodedResponse a = decode(format, streamed, {bytes});
    DecodedResponse b = decode(format, streamed, pieces);
    farm::fuzz::require(a.text == b.text && a.text_chars == b.text_chars && a.error == b.error &&
                        a.error_message == b.error_message && a.complete == b.complete &&
                        a.chunks.size() == b.chunks.size() &&
                        a.facts.input_tokens == b.facts.input_tokens &&
                        a.facts.output_tokens == b.facts.output_tokens &&
                        a.facts.finish_reason == b.facts.finish_reason);
    for (std::size_t i = 0; i < a.chunks.size(); ++i) {
        farm::fuzz::require(a.chunks[i].offset == b.chunks[i].offset &&
                            a.chunks[i].chars == b.chunks[i].chars);
    }
    farm::fuzz::require(a.ok() == a.error_message.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> pieces = farm::fuzz::cut_in_pieces(bytes);
    check_same(WireFormat::openai_chat, true, bytes, pieces);
    check_same(WireFormat::openai_completion, true, bytes, pieces);
    check_same(WireFormat::tgi_generate, true, bytes, pieces);
    check_same(WireFormat::openai_chat, false, bytes, pieces);
    return 0;
}
