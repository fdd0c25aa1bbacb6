#include "farm/ai/response_decoder.hpp"

#include "ai/decode_response.hpp"
#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

using namespace farm::ai;
using farm::test::decode;

// The recordings in tests/fixtures/ai/ were written by hand from each provider's documented
// format (OpenAI's chat/completions/embeddings reference, vLLM's and LiteLLM's error chunks,
// Ollama's api.md, TGI's /generate_stream); the expected values below are read off them.

namespace {

std::string optional_text(const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : "-";
}

// Everything but the times, which depend on the cut by design.
std::string describe(const DecodedResponse& response) {
    std::string text = "text [" + response.text + "] chars " + std::to_string(response.text_chars) +
                       " bytes " + std::to_string(response.bytes) + "\nchunks";
    for (const ContentChunk& chunk : response.chunks) {
        text += " " + std::to_string(chunk.offset) + ":" + std::to_string(chunk.chars) +
                (chunk.answer ? "a" : "r");
    }
    text += "\nreasoning " + std::to_string(response.reasoning_chars) + " chars " +
            optional_text(response.facts.reasoning_tokens) + " tokens, tool calls " +
            std::to_string(response.tool_calls);
    const FinalFacts& facts = response.facts;
    text += "\nin " + optional_text(facts.input_tokens) + " out " +
            optional_text(facts.output_tokens) + " finish " + facts.finish_reason + " ns " +
            optional_text(facts.total_duration_ns) + "/" + optional_text(facts.load_duration_ns) +
            "/" + optional_text(facts.prompt_eval_duration_ns) + "/" +
            optional_text(facts.eval_duration_ns) + " embeddings " +
            std::to_string(facts.embeddings) + "x" + std::to_string(facts.embedding_dimensions) +
            "\ncomplete " + (response.complete ? "yes" : "no") + " error " +
            std::string(to_string(response.error)) + " " + response.error_message;
    return text;
}

struct Expected {
    const char* fixture;
    WireFormat format;
    bool streamed;
    ErrorClass error;
    const char* text;
    std::size_t chunks;
    std::optional<std::int64_t> input_tokens;
    std::optional<std::int64_t> output_tokens;
    const char* finish_reason;
    const char* message_part; // in error_message, "" when no error
};

const Expected expectations[] = {
    {"openai_chat_usage.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "The caf\xC3\xA9 serves cr\xC3\xAApes \xF0\x9F\xA5\x9E.", 6, 17, 8, "stop", ""},
    {"openai_chat_no_usage.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "Hello! How can I help?", 7, std::nullopt, std::nullopt, "stop", ""},
    {"openai_chat_choices_null.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "Bonjour \xC3\xA0 tous", 2, 9, 3, "length", ""},
    {"openai_chat_ping_crlf.sse", WireFormat::openai_chat, true, ErrorClass::none, "Jahrzehnt", 3,
     5, 3, "stop", ""},
    {"openai_chat_cr.sse", WireFormat::openai_chat, true, ErrorClass::none, "one two", 2,
     std::nullopt, std::nullopt, "", ""},
    {"openai_chat_error_in_200.sse", WireFormat::openai_chat, true, ErrorClass::stream_error,
     "Once upon", 2, std::nullopt, std::nullopt, "",
     "the server reported an error: The model ran out of KV cache blocks "
     "(InternalServerError, 500)"},
    {"openai_chat_no_done.sse", WireFormat::openai_chat, true, ErrorClass::incomplete,
     "Partial answer then", 3, std::nullopt, std::nullopt, "",
     "the stream ended without data: [DONE] after 3 events (3 with content"},
    {"openai_chat_usage_only.sse", WireFormat::openai_chat, true, ErrorClass::stream_error, "", 0,
     12, 0, "stop", "the answer carried no content (only usage or final facts)"},
    {"openai_chat_garbage.sse", WireFormat::openai_chat, true, ErrorClass::stream_error, "Fine", 1,
     std::nullopt, std::nullopt, "",
     "event data is not JSON (syntax error while parsing value - invalid literal; last read: "
     "'<'): <html><body>502 Bad Gateway</body></html>"},
    {"openai_completion_stream.sse", WireFormat::openai_completion, true, ErrorClass::none,
     "def add(a, b):", 5, 4, 6, "length", ""},
    {"openai_chat.json", WireFormat::openai_chat, false, ErrorClass::none,
     "Hello! How can I assist you today?", 0, 19, 10, "stop", ""},
    {"openai_completion_no_usage.json", WireFormat::openai_completion, false, ErrorClass::none,
     " return a + b", 0, std::nullopt, std::nullopt, "stop", ""},
    {"openai_embeddings.json", WireFormat::openai_embedding, false, ErrorClass::none, "", 0, 8,
     std::nullopt, "", ""},
    {"ollama_chat_stream.ndjson", WireFormat::ollama_chat, true, ErrorClass::none,
     "The sky is blue because of Rayleigh scattering.", 9, 26, 9, "stop", ""},
    {"ollama_generate_stream.ndjson", WireFormat::ollama_generate, true, ErrorClass::none,
     "Grass is green \xC3\xA9t\xC3\xA9 \xF0\x9F\x8C\xB1", 5, 26, 5, "length", ""},
    {"ollama_chat.json", WireFormat::ollama_chat, false, ErrorClass::none,
     "Hello! How are you today?", 0, 26, 8, "stop", ""},
    {"ollama_generate.json", WireFormat::ollama_generate, false, ErrorClass::none,
     "The sky is blue because it is the color of the sky.", 0, 26, 290, "stop", ""},
    {"ollama_embed.json", WireFormat::ollama_embed, false, ErrorClass::none, "", 0, 8, std::nullopt,
     "", ""},
    {"ollama_chat_error.ndjson", WireFormat::ollama_chat, true, ErrorClass::stream_error, "Let me",
     2, std::nullopt, std::nullopt, "",
     "the server reported an error: an error was encountered while running the model: "
     "unexpected EOF"},
    {"ollama_generate_no_done.ndjson", WireFormat::ollama_generate, true, ErrorClass::incomplete,
     "Half a", 2, std::nullopt, std::nullopt, "",
     "the stream ended without a line with \"done\": true after 2 lines"},
    {"ollama_generate_garbage.ndjson", WireFormat::ollama_generate, true, ErrorClass::stream_error,
     "Ok", 1, std::nullopt, std::nullopt, "",
     "not JSON (column 1: syntax error while parsing value - invalid literal; last read: 'H'): "
     "HTTP/1.1 502 Bad Gateway"},
    {"tgi_generate_stream.sse", WireFormat::tgi_generate, true, ErrorClass::none,
     "Deep learning is a subset", 5, 7, 6, "eos_token", ""},
    {"tgi_generate_stream_error.sse", WireFormat::tgi_generate, true, ErrorClass::stream_error,
     "Hi", 1, std::nullopt, std::nullopt, "",
     "the server reported an error: Request failed during generation: Server error: CUDA out of "
     "memory (generation)"},
    {"tgi_generate.json", WireFormat::tgi_generate, false, ErrorClass::none,
     " a subset of machine learning", 0, 6, 5, "length", ""},
    // Reasoning, tool calls and multi-token chunks (tests/fixtures/ai/SOURCES.md).
    {"openai_chat_reasoning.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "9.8 is bigger.9.8 is greater.", 5, 18, 9, "stop", ""},
    {"openai_chat_reasoning_content.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "Okay, the userHi!", 4, 10, 7, "stop", ""},
    {"openai_chat_reasoning_only.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "Let me think about it", 4, 12, 4, "length", ""},
    {"openai_chat_tool_calls.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "get_weather{\"city\": \"Paris\"}", 3, 150, 14, "tool_calls", ""},
    {"openai_chat_multi_token.sse", WireFormat::openai_chat, true, ErrorClass::none,
     "The quick brown fox jumps over the lazy dog.", 3, 6, 10, "stop", ""},
    {"ollama_chat_thinking.ndjson", WireFormat::ollama_chat, true, ErrorClass::none,
     "Okay, simple.Hello!", 4, 11, 6, "stop", ""},
    {"ollama_generate_thinking.ndjson", WireFormat::ollama_generate, true, ErrorClass::none,
     "Need to answer.Soft, fluffy, quick.", 4, 20, 9, "stop", ""},
    // A prompt Ollama served from its cache: no prompt_eval_count, so no input count (not 0).
    {"ollama_chat_cached_prompt.ndjson", WireFormat::ollama_chat, true, ErrorClass::none,
     "Hi there!", 3, std::nullopt, 3, "stop", ""},
};

} // namespace

TEST_CASE("ai::ResponseDecoder decodes every recorded answer") {
    for (const Expected& expected : expectations) {
        CAPTURE(expected.fixture);
        std::string bytes = farm::test::ai_fixture(expected.fixture);
        DecodedResponse response = decode(expected.format, expected.streamed, bytes);
        CHECK(response.error == expected.error);
        CHECK(response.text == expected.text);
        CHECK(response.text_chars == utf8_length(expected.text));
        CHECK(response.chunks.size() == expected.chunks);
        CHECK(response.facts.input_tokens == expected.input_tokens);
        CHECK(response.facts.output_tokens == expected.output_tokens);
        CHECK(response.facts.finish_reason == expected.finish_reason);
        CHECK(response.bytes == bytes.size());
        if (expected.error == ErrorClass::none) {
            CHECK(response.complete);
            CHECK(response.error_message.empty());
        } else {
            CHECK_MESSAGE(response.error_message.find(expected.message_part) != std::string::npos,
                          response.error_message);
        }
    }
}

TEST_CASE("ai::ResponseDecoder gives the same result for every cut of every recording") {
    for (const Expected& expected : expectations) {
        CAPTURE(expected.fixture);
        std::string bytes = farm::test::ai_fixture(expected.fixture);
        std::string whole = describe(decode(expected.format, expected.streamed, bytes));
        for (const farm::test::Cut& cut : farm::test::usual_cuts(bytes)) {
            REQUIRE(describe(decode(expected.format, expected.streamed, cut)) == whole);
        }
    }
}

TEST_CASE("ai::ResponseDecoder points at the byte where a bad event starts") {
    std::string bytes = farm::test::ai_fixture("openai_chat_garbage.sse");
    DecodedResponse response = decode(WireFormat::openai_chat, true, bytes);
    CHECK(response.error_message.starts_with("byte " + std::to_string(bytes.find("data: <html")) +
                                             ": "));
    bytes = farm::test::ai_fixture("openai_chat_error_in_200.sse");
    response = decode(WireFormat::openai_chat, true, bytes);
    CHECK(response.error_message.starts_with(
        "byte " + std::to_string(bytes.find("data: {\"error\"")) + ": "));
}

TEST_CASE("ai::ResponseDecoder stamps each chunk with the time of the piece that completed it") {
    ResponseDecoder decoder(WireFormat::openai_chat, true);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n", 10);
    decoder.feed("\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\nda", 25);
    decoder.feed("ta: {\"choices\":[{\"delta\":{\"content\":\"c\"}}]}\n\n", 40);
    decoder.feed(
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":3}}\n\n", 90);
    decoder.feed("data: [DONE]\n\n", 95);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n", 99);
    decoder.finish(100);
    const DecodedResponse& response = decoder.result();
    REQUIRE(response.ok());
    REQUIRE(response.chunks.size() == 3);
    CHECK(response.chunks[0].at_ms == 25);
    CHECK(response.chunks[1].at_ms == 25);
    CHECK(response.chunks[2].at_ms == 40);
    CHECK(response.text == "abc"); // bytes after [DONE] are ignored
    CHECK(response.first_byte_ms == 10);
    CHECK(response.last_byte_ms == 99);
    CHECK(response.end_marker_ms == 95); // [DONE], not a later byte
}

TEST_CASE("ai::ResponseDecoder times each provider's end marker") {
    ResponseDecoder ollama(WireFormat::ollama_generate, true);
    ollama.feed("{\"response\":\"a\",\"done\":false}\n", 10);
    CHECK_FALSE(ollama.result().end_marker_ms);
    ollama.feed("{\"response\":\"\",\"done\":true,\"eval_count\":2}\n", 30);
    ollama.finish(35);
    CHECK(ollama.result().ok());
    CHECK(ollama.result().end_marker_ms == 30);

    ResponseDecoder tgi(WireFormat::tgi_generate, true);
    tgi.feed("data:{\"token\":{\"text\":\"a\",\"special\":false},\"details\":null}\n\n", 10);
    tgi.feed("data:{\"token\":{\"text\":\"</s>\",\"special\":true},\"generated_text\":\"a\","
             "\"details\":{\"generated_tokens\":2}}\n\n",
             20);
    tgi.finish(25);
    CHECK(tgi.result().ok());
    CHECK(tgi.result().end_marker_ms == 20); // the special EOS token's event ends the stream

    ResponseDecoder cut(WireFormat::openai_chat, true);
    cut.feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n", 10);
    cut.finish(20);
    CHECK(cut.result().error == ErrorClass::incomplete);
    CHECK_FALSE(cut.result().end_marker_ms);
}

TEST_CASE("ai::ResponseDecoder explains a stream request answered with one JSON error") {
    DecodedResponse response = decode(
        WireFormat::openai_chat, true,
        "{\"error\":{\"message\":\"model 'x' not found\",\"type\":\"invalid_request_error\"}}");
    CHECK(response.error == ErrorClass::stream_error);
    CHECK(response.error_message ==
          "the server answered with an error: model 'x' not found (invalid_request_error)");
    response = decode(WireFormat::openai_chat, true, "");
    CHECK(response.error == ErrorClass::incomplete);
    CHECK(response.error_message == "the stream ended without data: [DONE] after 0 events (0 with "
                                    "content, 0 bytes)");
}

TEST_CASE("ai::ResponseDecoder takes an SSE error event and reasoning content") {
    DecodedResponse response = decode(WireFormat::openai_chat, true,
                                      "event: error\ndata: {\"message\":\"overloaded\"}\n\n");
    CHECK(response.error == ErrorClass::stream_error);
    CHECK(response.error_message == "byte 0: the server sent an error event: overloaded");
    response =
        decode(WireFormat::openai_chat, true,
               "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"
               "data: {\"choices\":[{\"delta\":{\"content\":\"yes\"}}]}\n\ndata: [DONE]\n\n");
    CHECK(response.ok());
    CHECK(response.chunks.size() == 2);
    CHECK(response.text == "hmmyes");
}

TEST_CASE("ai::ResponseDecoder fails a request whose JSON holds a number no double can hold") {
    DecodedResponse streamed = decode(WireFormat::openai_chat, true,
                                      "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                                      "data: {\"usage\":{\"completion_tokens\":9e9999}}\n\n");
    CHECK(streamed.error == ErrorClass::stream_error);
    CHECK(streamed.error_message.find(
              "event data is not JSON (number overflow parsing '9e9999')") != std::string::npos);
    DecodedResponse whole = decode(WireFormat::ollama_chat, false, "{\"eval_count\":-1E400}");
    CHECK(whole.error == ErrorClass::stream_error);
    CHECK(whole.error_message ==
          "the body is not JSON (number overflow parsing '-1E400'): {\"eval_count\":-1E400}");
}

TEST_CASE("ai::ResponseDecoder rejects non-streamed bodies that are not an answer") {
    DecodedResponse response = decode(WireFormat::ollama_chat, false, "<html>busy</html>");
    CHECK(response.error == ErrorClass::stream_error);
    CHECK(response.error_message.starts_with("the body is not JSON ("));
    CHECK(response.error_message.ends_with("): <html>busy</html>"));
    response = decode(WireFormat::openai_chat, false, "[1]");
    CHECK(response.error_message == "the body is not a JSON object: [1]");
    response = decode(WireFormat::ollama_generate, false, "{\"error\":\"model not found\"}");
    CHECK(response.error_message == "the server reported an error: model not found");
    response = decode(WireFormat::openai_embedding, false, "{\"data\":[]}");
    CHECK(response.error_message == "the answer holds no embedding");
    // TGI's compatibility route wraps the answer in an array.
    response = decode(WireFormat::tgi_generate, false, "[{\"generated_text\":\"x\"}]");
    CHECK(response.ok());
    CHECK(response.text == "x");
}

TEST_CASE("ai::error_message_from_body finds the server's words") {
    CHECK(error_message_from_body("{\"error\":\"model 'x' not found, try pulling it first\"}") ==
          "model 'x' not found, try pulling it first");
    CHECK(error_message_from_body("{\"error\":{\"message\":\"Incorrect API key\",\"type\":"
                                  "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}") ==
          "Incorrect API key (invalid_request_error, invalid_api_key)");
    CHECK(error_message_from_body("{\"error\":\"Input validation error\",\"error_type\":"
                                  "\"validation\"}") == "Input validation error (validation)");
    CHECK(error_message_from_body("{\"detail\":\"Not Found\"}") == "Not Found");
    CHECK(error_message_from_body("{\"object\":\"error\",\"message\":\"bad\"}") == "bad");
    CHECK(error_message_from_body("  <html>\n502</html>\n") == "<html>?502</html>");
    CHECK(error_message_from_body("") == "(empty body)");
    CHECK(error_message_from_body(std::string(1000, 'x')).size() == 303);
}

TEST_CASE("ai::ResponseDecoder rejects an Ollama line that is not an object") {
    DecodedResponse response =
        decode(WireFormat::ollama_generate, true, "{\"response\":\"a\"}\n[1]\n");
    CHECK(response.error == ErrorClass::stream_error);
    CHECK(response.error_message == "byte 17: a line is a JSON array, not an object");
}

TEST_CASE("ai::ResponseDecoder ends an answer with a line over the limit as response_too_large") {
    DecoderLimits limits;
    limits.max_line_bytes = 1 << 20;
    ResponseDecoder decoder(WireFormat::openai_chat, true, limits);
    decoder.feed("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n", 1);
    std::string start = "data: {\"choices\":[{\"delta\":{\"content\":\"";
    decoder.feed(start, 2);
    std::string piece(16 * 1024, 'x');
    for (int i = 0; i < 100; ++i) { // 1.6 MiB of one line, as curl hands it over
        decoder.feed(piece, 3);
    }
    decoder.finish(4);
    const DecodedResponse& r = decoder.result();
    CHECK(r.error == ErrorClass::response_too_large);
    CHECK(to_string(r.error) == "response_too_large");
    CHECK_MESSAGE(r.error_message.find("byte 48: a line longer than 1048576 bytes") !=
                      std::string::npos,
                  r.error_message);
    CHECK(r.text == "ok"); // nothing of the long line was kept
    CHECK(r.bytes == 48 + start.size() + 100 * piece.size());
}

TEST_CASE("ai::ResponseDecoder measures lines across pieces however the pieces fall") {
    // Comment lines of 600 bytes (under the 1,024-byte limit) ending in CRLF, cut into pieces
    // of 7 to 700 bytes, so that a CR and its LF, and a line's start and end, fall in different
    // pieces: never over the limit. Then a line of 1,100 bytes: over it, named at its start.
    DecoderLimits limits;
    limits.max_line_bytes = 1024;
    std::string event = "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\r\n\r\n";
    std::string stream;
    for (int i = 0; i < 20; ++i) {
        stream += ":" + std::string(599, 'p') + "\r\n" + event;
    }
    std::size_t long_line_at = stream.size();
    std::string with_long_line = stream + ":" + std::string(1099, 'p') + "\r\n" + event;
    for (std::size_t piece : {7, 333, 601, 602, 700}) {
        CAPTURE(piece);
        for (bool long_line : {false, true}) {
            const std::string& bytes = long_line ? with_long_line : stream;
            ResponseDecoder decoder(WireFormat::openai_chat, true, limits);
            for (std::size_t at = 0; at < bytes.size(); at += piece) {
                decoder.feed(std::string_view(bytes).substr(at, piece), 1);
            }
            decoder.feed("data: [DONE]\n\n", 2);
            decoder.finish(3);
            const DecodedResponse& r = decoder.result();
            if (!long_line) {
                CHECK_MESSAGE(r.ok(), r.error_message);
                CHECK(r.chunks.size() == 20);
            } else {
                CHECK(r.error == ErrorClass::response_too_large);
                CHECK_MESSAGE(r.error_message ==
                                  "byte " + std::to_string(long_line_at) +
                                      ": a line longer than 1024 bytes",
                              r.error_message);
            }
        }
    }
}

TEST_CASE("ai::ResponseDecoder ends an endless answer at max_response_bytes") {
    DecoderLimits limits;
    limits.max_response_bytes = 64 * 1024;
    for (bool streamed : {true, false}) {
        CAPTURE(streamed);
        ResponseDecoder decoder(WireFormat::ollama_chat, streamed, limits);
        std::string line = "{\"message\":{\"content\":\"tok \"},\"done\":false}\n";
        std::size_t fed = 0;
        while (fed < 1024 * 1024) {
            decoder.feed(line, 1);
            fed += line.size();
        }
        decoder.finish(2);
        const DecodedResponse& r = decoder.result();
        CHECK(r.error == ErrorClass::response_too_large);
        CHECK(r.error_message.find("passed 65536 bytes") != std::string::npos);
        CHECK(r.text.size() <= limits.max_response_bytes); // kept only what came before
    }
    // Under the limits nothing changes.
    std::string bytes = farm::test::ai_fixture("openai_chat_usage.sse");
    DecoderLimits tight;
    tight.max_line_bytes = 1024;
    tight.max_response_bytes = bytes.size();
    ResponseDecoder decoder(WireFormat::openai_chat, true, tight);
    decoder.feed(bytes, 1);
    decoder.finish(2);
    CHECK(decoder.result().ok());
}
