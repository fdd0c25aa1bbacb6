// What farm sends to an AI provider: the kinds of provider and operation it knows, the URL path
// of each operation and the JSON body of each request.
//
// Three wire formats are spoken:
//   openai  OpenAI-compatible servers (vLLM, llama.cpp, LM Studio, OpenAI itself):
//           /v1/chat/completions, /v1/completions, /v1/embeddings; streamed answers are SSE and
//           ask for a last usage chunk (`stream_options: {include_usage: true}`).
//   ollama  /api/chat, /api/generate, /api/embed; streamed answers are NDJSON.
//   tgi     Hugging Face text-generation-inference: /generate and /generate_stream (SSE) for
//           generate, its OpenAI-compatible /v1/chat/completions for chat. TGI has no embeddings.
// Bodies are built with nlohmann::json, so any prompt text is escaped correctly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

enum class ProviderType { openai, ollama, tgi };

// The names are those of the history subject ("<provider>/<model>/<operation>").
enum class Operation { chat, chat_stream, generate, generate_stream, embed };

std::string_view to_string(ProviderType type);
std::string_view to_string(Operation operation);
// Throw farm::UsageError naming the valid choices (and the closest one) for an unknown name.
ProviderType parse_provider_type(std::string_view name);
Operation parse_operation(std::string_view name);

bool is_streamed(Operation operation);

// The wire format the answer comes in, which is not always the provider's: TGI's chat is
// OpenAI-compatible.
enum class WireFormat {
    openai_chat,       // choices[0].delta.content / choices[0].message.content
    openai_completion, // choices[0].text
    openai_embedding,  // data[].embedding
    ollama_chat,       // message.content
    ollama_generate,   // response
    ollama_embed,      // embeddings
    tgi_generate,      // token.text / generated_text
};
// Throws farm::UsageError for an operation the provider does not have (TGI embed).
WireFormat wire_format(ProviderType type, Operation operation);

// One message of a chat (a dataset's conversation): role "system", "user" or "assistant".
struct ChatMessage {
    std::string role;
    std::string content;
};

struct RequestSpec {
    ProviderType provider = ProviderType::openai;
    Operation operation = Operation::chat;
    std::string model;
    std::string prompt;            // sent when `messages` is empty
    std::optional<int> max_tokens; // a cap; nullopt: the server's default
    // A chat's messages; operations that take one text (generate, embed) get their contents
    // joined by blank lines.
    std::vector<ChatMessage> messages;
    // An answer of exactly this many tokens where the server can be told so (it overrides
    // max_tokens): OpenAI-compatible servers get max_tokens with vLLM's ignore_eos and
    // min_tokens, Ollama options.num_predict, TGI parameters.max_new_tokens (Ollama and TGI stop
    // earlier at an end-of-sequence token: they have no ignore_eos).
    std::optional<int> output_tokens;
    std::optional<double> temperature; // nullopt: the server's default
};

// The path of the operation from the server's root, "/v1/chat/completions" for instance.
// Throws farm::UsageError for an operation the provider does not have.
std::string endpoint_path(ProviderType type, Operation operation);

// base_url + endpoint_path without a doubled slash, and without a doubled "/v1" when an OpenAI
// base URL already ends with it (users copy "http://host:8000/v1" from server docs).
std::string endpoint_url(std::string_view base_url, ProviderType type, Operation operation);

// The request's JSON body (compact, UTF-8). Streamed operations ask for a stream; OpenAI streams
// also ask for the usage chunk; TGI generate asks for `details` so that token counts come back.
// The length and sampling fields go under each provider's own names (see RequestSpec); TGI's
// OpenAI-compatible chat gets max_tokens alone, and TGI's temperature only when above 0 (TGI
// refuses 0: greedy decoding is its default).
// Throws farm::UsageError for an operation the provider does not have.
std::string request_body(const RequestSpec& spec);

} // namespace farm::ai
