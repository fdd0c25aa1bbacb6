// Fuzzes the NDJSON parser and Ollama's stream decoding on top of it: no crash, no undefined
// behaviour, and the same lines and answer whether the input comes whole or in pieces.
#include "farm/ai/ndjson_parser.hpp"
#include "farm/ai/response_decoder.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>

namespace {

std::vector<farm::ai::NdjsonLine> parse(const std::vector<std::string_view>& pieces) {
    farm::ai::NdjsonParser parser;
    std::vector<farm::ai::NdjsonLine> lines;
    for (std::string_view piece : pieces) {
        parser.feed(piece, lines);
    }
    parser.finish(lines);
    return lines;
}

farm::ai::DecodedResponse decode(const std::vector<std::string_view>& pieces) {
    farm::ai::ResponseDecoder decoder(farm::ai::WireFormat::ollama_chat, true);
    for (std::string_view piece : pieces) {
        decoder.feed(piece, 0);
    }
    decoder.finish(0);
    return decoder.result();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> pieces = farm::fuzz::cut_in_pieces(bytes);
    std::vector<farm::ai::NdjsonLine> whole = parse({bytes});
    std::vector<farm::ai::NdjsonLine> cut = parse(pieces);
    farm::fuzz::require(whole.size() == cut.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
        farm::fuzz::require(whole[i].value == cut[i].value && whole[i].error == cut[i].error &&
                            whole[i].offset == cut[i].offset);
    }
    farm::ai::DecodedResponse a = decode({bytes});
    farm::ai::DecodedResponse b = decode(pieces);
    farm::fuzz::require(a.text == b.text && a.error == b.error &&
                        a.error_message == b.error_message && a.chunks.size() == b.chunks.size() &&
                        a.facts.output_tokens == b.facts.output_tokens);
    return 0;
}
