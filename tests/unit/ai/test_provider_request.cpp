#include "farm/ai/provider_request.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace farm::ai;
using nlohmann::json;

namespace {

RequestSpec spec_of(ProviderType provider, Operation operation, std::string prompt,
                    std::optional<int> max_tokens = std::nullopt) {
    RequestSpec spec;
    spec.provider = provider;
    spec.operation = operation;
    spec.model = std::string("m"); // not = "m": GCC 12 warns falsely (-Wrestrict) on that
    spec.prompt = std::move(prompt);
    spec.max_tokens = max_tokens;
    return spec;
}

json body_of(ProviderType provider, Operation operation, std::optional<int> max_tokens = 64) {
    return json::parse(request_body(spec_of(provider, operation, "Say \"hi\"\n", max_tokens)));
}

} // namespace

TEST_CASE("ai::request_body for OpenAI-compatible servers") {
    CHECK(body_of(ProviderType::openai, Operation::chat_stream) ==
          json::parse(R"({"model":"m","messages":[{"role":"user","content":"Say \"hi\"\n"}],
                          "max_tokens":64,"stream":true,
                          "stream_options":{"include_usage":true}})"));
    CHECK(body_of(ProviderType::openai, Operation::chat) ==
          json::parse(R"({"model":"m","messages":[{"role":"user","content":"Say \"hi\"\n"}],
                          "max_tokens":64,"stream":false})"));
    CHECK(body_of(ProviderType::openai, Operation::generate, std::nullopt) ==
          json::parse(R"({"model":"m","prompt":"Say \"hi\"\n","stream":false})"));
    CHECK(body_of(ProviderType::openai, Operation::generate_stream)["stream_options"] ==
          json::parse(R"({"include_usage":true})"));
    CHECK(body_of(ProviderType::openai, Operation::embed) ==
          json::parse(R"({"model":"m","input":"Say \"hi\"\n"})"));
}

TEST_CASE("ai::request_body for Ollama") {
    CHECK(body_of(ProviderType::ollama, Operation::chat_stream) ==
          json::parse(R"({"model":"m","messages":[{"role":"user","content":"Say \"hi\"\n"}],
                          "stream":true,"options":{"num_predict":64}})"));
    CHECK(body_of(ProviderType::ollama, Operation::generate, std::nullopt) ==
          json::parse(R"({"model":"m","prompt":"Say \"hi\"\n","stream":false})"));
    CHECK(body_of(ProviderType::ollama, Operation::embed) ==
          json::parse(R"({"model":"m","input":"Say \"hi\"\n"})"));
}

TEST_CASE("ai::request_body for TGI") {
    json expected = json::parse(
        R"({"inputs":"Say \"hi\"\n","parameters":{"details":true,"max_new_tokens":64}})");
    CHECK(body_of(ProviderType::tgi, Operation::generate_stream) == expected);
    CHECK(body_of(ProviderType::tgi, Operation::generate) == expected);
    CHECK(body_of(ProviderType::tgi, Operation::chat_stream)["stream_options"]["include_usage"] ==
          true);
    CHECK_THROWS_AS(body_of(ProviderType::tgi, Operation::embed), farm::UsageError);
}

TEST_CASE("ai::request_body replaces bytes that are not UTF-8") {
    std::string body = request_body(spec_of(ProviderType::ollama, Operation::generate,
                                            "a\xFF"
                                            "b"));
    CHECK(json::parse(body)["prompt"] == "a\xEF\xBF\xBD"
                                         "b");
}

TEST_CASE("ai::endpoint_path and endpoint_url") {
    CHECK(endpoint_path(ProviderType::openai, Operation::chat) == "/v1/chat/completions");
    CHECK(endpoint_path(ProviderType::openai, Operation::generate_stream) == "/v1/completions");
    CHECK(endpoint_path(ProviderType::openai, Operation::embed) == "/v1/embeddings");
    CHECK(endpoint_path(ProviderType::ollama, Operation::chat_stream) == "/api/chat");
    CHECK(endpoint_path(ProviderType::ollama, Operation::generate) == "/api/generate");
    CHECK(endpoint_path(ProviderType::ollama, Operation::embed) == "/api/embed");
    CHECK(endpoint_path(ProviderType::tgi, Operation::generate) == "/generate");
    CHECK(endpoint_path(ProviderType::tgi, Operation::generate_stream) == "/generate_stream");
    CHECK(endpoint_path(ProviderType::tgi, Operation::chat) == "/v1/chat/completions");
    CHECK(endpoint_url("http://127.0.0.1:8000/v1/", ProviderType::openai, Operation::chat) ==
          "http://127.0.0.1:8000/v1/chat/completions");
    CHECK(endpoint_url("https://api.example.com", ProviderType::openai, Operation::embed) ==
          "https://api.example.com/v1/embeddings");
    CHECK(endpoint_url("http://h:11434//", ProviderType::ollama, Operation::chat) ==
          "http://h:11434/api/chat");
    CHECK(endpoint_url("http://h/proxy", ProviderType::tgi, Operation::generate_stream) ==
          "http://h/proxy/generate_stream");
}

TEST_CASE("ai::parse_operation and parse_provider_type") {
    CHECK(parse_operation("chat_stream") == Operation::chat_stream);
    CHECK(parse_provider_type("tgi") == ProviderType::tgi);
    CHECK(to_string(Operation::generate_stream) == "generate_stream");
    CHECK(is_streamed(Operation::generate_stream));
    CHECK_FALSE(is_streamed(Operation::embed));
    CHECK_THROWS_WITH_AS(parse_operation("chat-stream"),
                         "unknown operation 'chat-stream' (did you mean 'chat_stream'?); choose "
                         "one of: chat chat_stream generate generate_stream embed",
                         farm::UsageError);
    CHECK_THROWS_AS(parse_provider_type("vllm"), farm::UsageError);
    CHECK(wire_format(ProviderType::tgi, Operation::chat_stream) == WireFormat::openai_chat);
}

namespace {

json length_body(ProviderType provider, Operation operation, int output_tokens,
                 std::optional<double> temperature = std::nullopt) {
    RequestSpec spec = spec_of(provider, operation, "hi", 999);
    spec.output_tokens = output_tokens;
    spec.temperature = temperature;
    return json::parse(request_body(spec));
}

} // namespace

TEST_CASE("ai::request_body asks each provider for an exact answer length its own way") {
    // vLLM's extensions to the OpenAI API: the cap, min_tokens and ignore_eos.
    json openai = length_body(ProviderType::openai, Operation::chat_stream, 128, 0.0);
    CHECK(openai["max_tokens"] == 128);
    CHECK(openai["min_tokens"] == 128);
    CHECK(openai["ignore_eos"] == true);
    CHECK(openai["temperature"] == 0.0);
    json completion = length_body(ProviderType::openai, Operation::generate, 64);
    CHECK(completion["max_tokens"] == 64);
    CHECK(completion["ignore_eos"] == true);
    CHECK(!completion.contains("temperature"));

    json ollama = length_body(ProviderType::ollama, Operation::chat_stream, 128, 0.2);
    CHECK(ollama["options"] == json::parse(R"({"num_predict":128,"temperature":0.2})"));
    CHECK(!ollama.contains("max_tokens"));

    json tgi = length_body(ProviderType::tgi, Operation::generate_stream, 128, 0.0);
    CHECK(tgi["parameters"] == json::parse(R"({"details":true,"max_new_tokens":128})"));
    json warm = length_body(ProviderType::tgi, Operation::generate, 8, 0.7);
    CHECK(warm["parameters"]["temperature"] == 0.7);
    CHECK(warm["parameters"]["do_sample"] == true);
    // TGI's OpenAI-compatible chat is not vLLM: the cap alone.
    json tgi_chat = length_body(ProviderType::tgi, Operation::chat_stream, 32);
    CHECK(tgi_chat["max_tokens"] == 32);
    CHECK(!tgi_chat.contains("ignore_eos"));
    CHECK(!tgi_chat.contains("min_tokens"));
}

TEST_CASE("ai::request_body sends a dataset's messages, or their text where one text is asked") {
    RequestSpec spec = spec_of(ProviderType::openai, Operation::chat, "");
    spec.messages = {{"system", "be brief"}, {"user", "why?"}};
    CHECK(json::parse(request_body(spec))["messages"] ==
          json::parse(R"([{"role":"system","content":"be brief"},
                          {"role":"user","content":"why?"}])"));
    spec.provider = ProviderType::ollama;
    CHECK(json::parse(request_body(spec))["messages"].size() == 2);
    spec.operation = Operation::generate;
    CHECK(json::parse(request_body(spec))["prompt"] == "be brief\n\nwhy?");
    spec.provider = ProviderType::tgi;
    CHECK(json::parse(request_body(spec))["inputs"] == "be brief\n\nwhy?");
}
