#include "farm/ai/openai_chunk.hpp"

#include "farm/ai/response_decoder.hpp"
#include "farm/ai/server_json.hpp"
#include "farm/ai/sse_parser.hpp"
#include "farm/core/json_depth.hpp"

#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm::ai;

namespace {

// What the reference reader (nlohmann's document) gives for `text`.
OpenAiChunk reference(std::string_view text, const char* message_key = "delta") {
    return openai_chunk_of(farm::core::parse_json(text), message_key);
}

// The fast reader's answer, checked against the reference whenever it answers.
bool fast_agrees(std::string_view text, OpenAiChunk& fast, const char* message_key = "delta") {
    if (!read_openai_chunk_fast(text, message_key, fast)) {
        return false;
    }
    nlohmann::json object = farm::core::parse_json_or_discarded(text);
    REQUIRE_MESSAGE(object.is_object(), "the fast reader took text nlohmann refuses: " << text);
    CHECK(object_error(object).empty());
    CHECK_MESSAGE(openai_chunk_of(object, message_key) == fast, text);
    return true;
}

bool fast_reads(std::string_view text, const char* message_key = "delta") {
    OpenAiChunk fast;
    return fast_agrees(text, fast, message_key);
}

std::vector<std::string> event_data(const std::string& fixture) {
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed(farm::test::ai_fixture(fixture), events);
    parser.finish(events);
    std::vector<std::string> data;
    for (const SseEvent& event : events) {
        if (trim(event.data) != "[DONE]") {
            data.emplace_back(trim(event.data));
        }
    }
    return data;
}

} // namespace

TEST_CASE("the fast reader of OpenAI objects reads the recorded streams as nlohmann does") {
    // Every event of these recordings is plain: the fast path must take each one (else the
    // benchmark's speed silently falls back to a DOM per event) and agree with the reference.
    for (const char* fixture :
         {"openai_chat_usage.sse", "openai_chat_no_usage.sse", "openai_chat_multi_token.sse",
          "openai_chat_reasoning.sse", "openai_chat_reasoning_content.sse",
          "openai_chat_reasoning_only.sse", "openai_chat_choices_null.sse",
          "openai_chat_usage_only.sse", "openai_chat_cr.sse", "openai_chat_ping_crlf.sse",
          "openai_chat_no_done.sse", "openai_completion_stream.sse", "openai_chat_unicode.sse"}) {
        CAPTURE(fixture);
        std::vector<std::string> events = event_data(fixture);
        REQUIRE_FALSE(events.empty());
        for (const std::string& data : events) {
            CAPTURE(data);
            CHECK(fast_reads(data));
        }
    }
    // Tool calls and error objects are left to nlohmann; whatever it answers must agree.
    for (const char* fixture :
         {"openai_chat_tool_calls.sse", "openai_chat_error_in_200.sse", "openai_chat_garbage.sse",
          "tgi_generate_stream.sse", "tgi_generate_stream_error.sse"}) {
        CAPTURE(fixture);
        for (const std::string& data : event_data(fixture)) {
            OpenAiChunk fast;
            fast_agrees(data, fast);
        }
    }
    OpenAiChunk fast;
    for (const std::string& data : event_data("openai_chat_error_in_200.sse")) {
        if (data.find("\"error\"") != std::string::npos) {
            CHECK_FALSE(read_openai_chunk_fast(data, "delta", fast));
        }
    }
}

TEST_CASE("the fast reader of OpenAI objects: what it reads") {
    OpenAiChunk chunk;
    REQUIRE(fast_agrees(
        R"({"id":"x","choices":[{"index":0,"delta":{"reasoning":"think",)"
        R"("content":"caf\u00e9 \ud83d\ude00 \"q\"\n\\/"},"finish_reason":"stop"},)"
        R"({"delta":{"content":"second choice"}}],"usage":{"prompt_tokens":12,)"
        R"("completion_tokens":-3,"completion_tokens_details":{"reasoning_tokens":0}}})",
        chunk));
    CHECK(chunk.reasoning == "think");
    CHECK(chunk.answer == "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\"\n\\/");
    CHECK(chunk.finish_reason == "stop");
    CHECK(chunk.prompt_tokens == 12);
    CHECK(chunk.completion_tokens == -3);
    CHECK(chunk.reasoning_tokens == 0);
    // reasoning then reasoning_content, whatever their order in the text.
    REQUIRE(fast_agrees(
        R"({"choices":[{"delta":{"reasoning_content":"B","content":null,"reasoning":"A"}}]})",
        chunk));
    CHECK(chunk.reasoning == "AB");
    CHECK(chunk.answer.empty());
    // Completions: text, unless the choice has a message object.
    REQUIRE(fast_agrees(R"({"choices":[{"text":"t","finish_reason":null}]})", chunk));
    CHECK(chunk.answer == "t");
    REQUIRE(fast_agrees(R"({"choices":[{"text":"t","delta":{"content":"c"}}]})", chunk));
    CHECK(chunk.answer == "c");
    REQUIRE(fast_agrees(R"({"choices":[{"text":"t","delta":"not an object"}]})", chunk));
    CHECK(chunk.answer == "t");
    REQUIRE(fast_agrees(R"({"choices":[{"message":{"content":"m"}}]})", chunk, "message"));
    CHECK(chunk.answer == "m");
    // Members of other kinds read as nothing, as string_member and integer_member read them.
    REQUIRE(fast_agrees(R"({"usage":{"prompt_tokens":"5","completion_tokens":null},)"
                        R"("choices":[{"finish_reason":7,"delta":{"content":[1,{"a":true}],)"
                        R"("tool_calls":[]}}]})",
                        chunk));
    CHECK_FALSE(chunk.prompt_tokens);
    CHECK(chunk.answer.empty());
    CHECK(chunk.tool_calls == 0);
    CHECK(fast_reads(" \t\r\n{ \"choices\" : [ ] , \"x\" : [ 1.5 , -0 , false , {} ] } \n"));
    CHECK(reference(R"({"choices":null})") == OpenAiChunk{});
}

TEST_CASE("the fast reader of OpenAI objects leaves to nlohmann what it is not sure of") {
    std::string deep = "{\"x\":" + std::string(70, '[') + std::string(70, ']') + "}";
    for (const char* text : {
             "",                                                   // nothing
             "[1]",                                                // no object
             "\xEF\xBB\xBF{}",                                     // a BOM (nlohmann skips it)
             R"({"a":1} x)",                                       // bytes after the object
             R"({"a":1,})",                                        // a trailing comma
             R"({"a":01})",                                        // a leading zero
             R"({"a":1e5})",                                       // an exponent
             R"({"usage":{"prompt_tokens":5.0}})",                 // a count as a fraction
             R"({"usage":{"prompt_tokens":1234567890123456789}})", // 19 digits
             R"({"error":null})",                                  // an error member
             R"({"choices":[{"delta":{"tool_calls":[{"function":{}}]}}]})", // tool calls
             R"({"choices":[],"choices":[{"text":"t"}]})",                  // a repeated member
             R"({"choices":[{"delta":{"content":"a","content":"b"}}]})",
             R"({"us\u0061ge":{}})",         // an escaped key
             "{\"a\":\"\xC0\xAF\"}",         // an overlong sequence
             "{\"a\":\"\xED\xA0\x80\"}",     // an encoded surrogate
             "{\"a\":\"\xF4\x90\x80\x80\"}", // past U+10FFFF
             "{\"a\":\"tab\there\"}",        // a control character
             R"({"a":"\ud800"})",            // a lone high surrogate
             R"({"a":"\udc00"})",            // a lone low surrogate
             R"({"a":"\x"})",                // an unknown escape
             R"({"a":tru})",                 // a broken literal
         }) {
        CAPTURE(text);
        CHECK_FALSE(fast_reads(text));
    }
    CHECK_FALSE(fast_reads(deep));
    std::string with_nul("{\"a\":1}\0", 8); // nlohmann stops at a NUL byte: its call
    CHECK_FALSE(fast_reads(with_nul));
}

TEST_CASE("a stream with text beyond ASCII decodes to the same text through the fast reader") {
    std::string bytes = farm::test::ai_fixture("openai_chat_unicode.sse");
    ResponseDecoder decoder(WireFormat::openai_chat, true);
    for (std::string_view piece : farm::test::random_cut(bytes, 7)) {
        decoder.feed(piece, 1);
    }
    decoder.finish(2);
    const DecodedResponse& result = decoder.result();
    CHECK(result.ok());
    CHECK(result.text == "Caf\xC3\xA9 cr\xC3\xA8me \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC "
                         "\xF0\x9F\x98\x80 \"q\"\n\t\\ /");
    CHECK(result.text_chars == 26);
    CHECK(result.chunks.size() == 3);
    CHECK(result.facts.output_tokens == 11);
    CHECK(result.facts.finish_reason == "stop");
}
