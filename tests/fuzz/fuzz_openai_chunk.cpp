// Fuzzes the fast reader of OpenAI-compatible answer objects (ai/openai_chunk.hpp) against the
// reference: whenever read_openai_chunk_fast answers, nlohmann must accept the same text as an
// object without an error member, and openai_chunk_of must read exactly the same from it. The
// input is tried whole, inside the members the reader picks (check_wrapped) and, read as an SSE
// stream, event by event (so that the recorded streams in tests/fixtures/ai/ seed it with real
// event data).
#include "farm/ai/openai_chunk.hpp"
#include "farm/ai/server_json.hpp"
#include "farm/ai/sse_parser.hpp"
#include "farm/core/json_depth.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace {

void check(std::string_view text, const char* message_key) {
    farm::ai::OpenAiChunk fast;
    if (!farm::ai::read_openai_chunk_fast(text, message_key, fast)) {
        return; // left to nlohmann: nothing to compare
    }
    nlohmann::json object = farm::core::parse_json_or_discarded(text);
    farm::fuzz::require(object.is_object());
    farm::fuzz::require(farm::ai::object_error(object).empty());
    farm::fuzz::require(farm::ai::openai_chunk_of(object, message_key) == fast);
}

void check_both(std::string_view text) {
    check(text, "delta");
    check(text, "message");
}

} // namespace

// The input also goes where the reader's choices are made: inside an answer string (escapes,
// UTF-8), as a delta, a choice, usage; so that the fuzzer needs no luck to reach them.
void check_wrapped(std::string_view bytes) {
    for (auto [before, after] : {
             std::pair{R"({"choices":[{"delta":{"content":")", R"("}}]})"},
             std::pair{R"({"choices":[{"delta":)", R"(}]})"},
             std::pair{R"({"choices":[)", R"(]})"},
             std::pair{R"({"usage":)", R"(,"choices":[{"text":"t"}]})"},
         }) {
        std::string text = std::string(before) + std::string(bytes) + after;
        check_both(text);
    }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check_both(bytes);
    check_wrapped(bytes.substr(0, 4096));
    farm::ai::SseParser parser;
    std::vector<farm::ai::SseEvent> events;
    parser.feed(bytes, events);
    parser.finish(events);
    for (const farm::ai::SseEvent& event : events) {
        check_both(event.data);
        check_both(farm::ai::trim(event.data));
    }
    return 0;
}
