// ai::RequestBodyWriter gives request_body()'s bytes, whatever the request: the template where it
// is sure, request_body itself elsewhere.
#include "farm/ai/request_body_writer.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm::ai;

namespace {

RequestSpec shaped(ProviderType provider, Operation operation, std::string prompt) {
    RequestSpec spec;
    spec.provider = provider;
    spec.operation = operation;
    spec.model = std::string("llama");
    spec.prompt = std::move(prompt);
    return spec;
}

} // namespace

TEST_CASE("ai::RequestBodyWriter writes request_body's bytes for every provider and prompt") {
    std::vector<std::string> prompts = {
        "plain words",
        "",
        "quotes \" and back\\slashes \\\" at the end\\",
        "a / slash, braces {} [] and : commas,",
        "line\nbreak and\ttab",        // control characters: request_body's own escaping
        "caf\xC3\xA9 \xE2\x82\xAC",    // UTF-8
        "broken \xC3 UTF-8 \xFF",      // repaired by request_body
        "delete \x7f char",            // not printable ASCII: left to request_body
        "farm-prompt-marker-5c1e0b7a", // the template's own marker as the prompt
    };
    std::vector<std::pair<ProviderType, Operation>> shapes = {
        {ProviderType::openai, Operation::chat_stream}, {ProviderType::openai, Operation::chat},
        {ProviderType::openai, Operation::generate},    {ProviderType::openai, Operation::embed},
        {ProviderType::ollama, Operation::chat_stream}, {ProviderType::ollama, Operation::generate},
        {ProviderType::ollama, Operation::embed},       {ProviderType::tgi, Operation::generate},
        {ProviderType::tgi, Operation::chat_stream},
    };
    RequestBodyWriter writer;
    for (const auto& [provider, operation] : shapes) {
        for (const std::string& prompt : prompts) {
            for (std::optional<int> length : {std::optional<int>(), std::optional<int>(7)}) {
                RequestSpec spec = shaped(provider, operation, prompt);
                spec.output_tokens = length; // a new shape: the template is made again
                spec.temperature = 0.25;
                CAPTURE(prompt);
                CHECK(writer.body(spec) == request_body(spec));
            }
        }
    }
    // Printable ASCII (5 of the 9 prompts) came from the template, the rest from request_body.
    CHECK(writer.templated() == shapes.size() * 5 * 2);
}

TEST_CASE("ai::RequestBodyWriter leaves what it cannot be sure of to request_body") {
    RequestBodyWriter writer;
    SUBCASE("a dataset's messages") {
        RequestSpec spec = shaped(ProviderType::openai, Operation::chat_stream, "");
        spec.messages = {{"system", "be brief"}, {"user", "hi"}};
        CHECK(writer.body(spec) == request_body(spec));
        CHECK(writer.templated() == 0);
    }
    SUBCASE("a model whose name holds the marker: the prompt is not found once") {
        RequestSpec spec = shaped(ProviderType::openai, Operation::chat_stream, "hi");
        spec.model = "farm-prompt-marker-5c1e0b7a";
        CHECK(writer.body(spec) == request_body(spec));
        CHECK(writer.templated() == 0);
    }
    SUBCASE("an operation the provider does not have throws as request_body does") {
        RequestSpec spec = shaped(ProviderType::tgi, Operation::embed, "hi");
        CHECK_THROWS_AS(writer.body(spec), farm::UsageError);
        CHECK_THROWS_AS(writer.body(spec), farm::UsageError);
    }
}

TEST_CASE("ai::append_json_escaped_ascii and is_printable_ascii") {
    std::string out = "[";
    append_json_escaped_ascii(out, R"(a"b\c"")");
    CHECK(out == R"([a\"b\\c\"\")");
    CHECK(is_printable_ascii(" ~azAZ09"));
    CHECK_FALSE(is_printable_ascii("a\nb"));
    CHECK_FALSE(is_printable_ascii("\x7f"));
    CHECK_FALSE(is_printable_ascii("\xC3\xA9"));
}
