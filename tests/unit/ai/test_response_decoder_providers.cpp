#include "farm/ai/response_decoder.hpp"

#include "ai/decode_response.hpp"
#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace farm::ai;
using farm::test::decode;

// The providers' own fields (response_decoder_providers.cpp): Ollama's timings, the embeddings'
// shape, usage counts, reasoning beside the answer under each provider's field names, tool calls.
// The recordings are those of tests/fixtures/ai/ (SOURCES.md says where each came from).

namespace {

// "r" for each reasoning chunk, "a" for each answer chunk, in order.
std::string chunk_kinds(const DecodedResponse& response) {
    std::string kinds;
    for (const ContentChunk& chunk : response.chunks) {
        kinds += chunk.answer ? 'a' : 'r';
    }
    return kinds;
}

} // namespace

TEST_CASE("ai::ResponseDecoder keeps Ollama's own timings and the embedding's shape") {
    DecodedResponse chat =
        decode(WireFormat::ollama_chat, true, farm::test::ai_fixture("ollama_chat_stream.ndjson"));
    CHECK(chat.facts.total_duration_ns == 4883583458);
    CHECK(chat.facts.load_duration_ns == 1334875);
    CHECK(chat.facts.prompt_eval_duration_ns == 342546000);
    CHECK(chat.facts.eval_duration_ns == 4535599000);
    DecodedResponse embed =
        decode(WireFormat::ollama_embed, false, farm::test::ai_fixture("ollama_embed.json"));
    CHECK(embed.facts.embeddings == 1);
    CHECK(embed.facts.embedding_dimensions == 6);
    CHECK(embed.facts.total_duration_ns == 14143917);
    CHECK_FALSE(embed.facts.eval_duration_ns);
    DecodedResponse openai = decode(WireFormat::openai_embedding, false,
                                    farm::test::ai_fixture("openai_embeddings.json"));
    CHECK(openai.facts.embeddings == 1);
    CHECK(openai.facts.embedding_dimensions == 5);
}

TEST_CASE("ai::ResponseDecoder ignores counts that do not fit") {
    DecodedResponse response =
        decode(WireFormat::openai_chat, false,
               "{\"choices\":[{\"message\":{\"content\":\"x\"}}],"
               "\"usage\":{\"prompt_tokens\":1e300,\"completion_tokens\":18446744073709551615}}");
    CHECK(response.ok());
    CHECK_FALSE(response.facts.input_tokens);
    CHECK_FALSE(response.facts.output_tokens);
}

TEST_CASE("ai::ResponseDecoder tells reasoning from the answer in every field name") {
    struct Case {
        const char* fixture;
        WireFormat format;
        const char* kinds;
        std::size_t reasoning_chars;
        std::optional<std::int64_t> reasoning_tokens;
    };
    const Case cases[] = {
        // vLLM >= 0.11: delta.reasoning; the empty EOS delta is no chunk.
        {"openai_chat_reasoning.sse", WireFormat::openai_chat, "rrraa", 14, 5},
        // older vLLM and DeepSeek: delta.reasoning_content beside content: null.
        {"openai_chat_reasoning_content.sse", WireFormat::openai_chat, "rraa", 14, 4},
        {"openai_chat_reasoning_only.sse", WireFormat::openai_chat, "rrrr", 21, 4},
        {"ollama_chat_thinking.ndjson", WireFormat::ollama_chat, "rraa", 13, std::nullopt},
        {"ollama_generate_thinking.ndjson", WireFormat::ollama_generate, "rraa", 15, std::nullopt},
        {"openai_chat_usage.sse", WireFormat::openai_chat, "aaaaaa", 0, std::nullopt},
    };
    for (const Case& c : cases) {
        CAPTURE(c.fixture);
        DecodedResponse response = decode(c.format, true, farm::test::ai_fixture(c.fixture));
        CHECK(response.ok());
        CHECK(chunk_kinds(response) == c.kinds);
        CHECK(response.reasoning_chars == c.reasoning_chars);
        CHECK(response.facts.reasoning_tokens == c.reasoning_tokens);
        CHECK(response.tool_calls == 0);
    }
}

TEST_CASE("ai::ResponseDecoder counts streamed tool calls as answer chunks") {
    DecodedResponse response =
        decode(WireFormat::openai_chat, true, farm::test::ai_fixture("openai_chat_tool_calls.sse"));
    CHECK(response.ok());
    CHECK(chunk_kinds(response) == "aaa");
    CHECK(response.tool_calls == 3);
    CHECK(response.reasoning_chars == 0);
    // Ollama sends whole calls with the arguments as an object.
    std::string line = R"({"model":"m","message":{"role":"assistant","content":"",)"
                       R"("tool_calls":[{"function":{"name":"f","arguments":{"x":1}}}]},)"
                       R"("done":false})"
                       "\n"
                       R"({"model":"m","message":{"role":"assistant","content":""},"done":true,)"
                       R"("eval_count":3})"
                       "\n";
    DecodedResponse ollama = decode(WireFormat::ollama_chat, true, line);
    CHECK(ollama.ok());
    CHECK(ollama.text == R"(f{"x":1})");
    CHECK(chunk_kinds(ollama) == "a");
}
