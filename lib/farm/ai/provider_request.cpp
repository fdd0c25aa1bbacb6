#include "farm/ai/provider_request.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <vector>

namespace farm::ai {

namespace {

using nlohmann::json;

constexpr std::array<ProviderType, 3> all_types = {ProviderType::openai, ProviderType::ollama,
                                                   ProviderType::tgi};
constexpr std::array<Operation, 5> all_operations = {Operation::chat, Operation::chat_stream,
                                                     Operation::generate,
                                                     Operation::generate_stream, Operation::embed};

template <typename T, std::size_t N>
T parse_name(std::string_view name, const std::array<T, N>& choices, const char* what) {
    std::vector<std::string> names;
    for (T choice : choices) {
        if (to_string(choice) == name) {
            return choice;
        }
        names.emplace_back(to_string(choice));
    }
    std::string message = "unknown " + std::string(what) + " '" + std::string(name) + "'";
    if (std::optional<std::string> close = core::closest_match(name, names)) {
        message += " (did you mean '" + *close + "'?)";
    }
    message += "; choose one of:";
    for (const std::string& choice : names) {
        message += " " + choice;
    }
    throw UsageError(message);
}

json chat_messages(const RequestSpec& spec) {
    if (spec.messages.empty()) {
        return json::array({{{"role", "user"}, {"content", spec.prompt}}});
    }
    json messages = json::array();
    for (const ChatMessage& message : spec.messages) {
        messages.push_back({{"role", message.role}, {"content", message.content}});
    }
    return messages;
}

// What an operation that takes one text sends of a conversation.
std::string single_text(const RequestSpec& spec) {
    if (spec.messages.empty()) {
        return spec.prompt;
    }
    std::string text;
    for (const ChatMessage& message : spec.messages) {
        text += (text.empty() ? "" : "\n\n") + message.content;
    }
    return text;
}

// max_tokens caps the answer; an exact length adds vLLM's extensions to the OpenAI API
// (ignore_eos, min_tokens: top-level fields of the body, as `vllm bench serve` sends them).
// TGI's OpenAI-compatible chat is not vLLM: it gets the cap alone.
void add_openai_lengths(json& body, const RequestSpec& spec) {
    if (spec.output_tokens) {
        body["max_tokens"] = *spec.output_tokens;
        if (spec.provider == ProviderType::openai) {
            body["min_tokens"] = *spec.output_tokens;
            body["ignore_eos"] = true;
        }
    } else if (spec.max_tokens) {
        body["max_tokens"] = *spec.max_tokens;
    }
}

json ollama_options(const RequestSpec& spec) {
    json options = json::object();
    std::optional<int> length = spec.output_tokens ? spec.output_tokens : spec.max_tokens;
    if (length) {
        options["num_predict"] = *length;
    }
    if (spec.temperature) {
        options["temperature"] = *spec.temperature;
    }
    return options;
}

json tgi_parameters(const RequestSpec& spec) {
    json parameters = {{"details", true}};
    std::optional<int> length = spec.output_tokens ? spec.output_tokens : spec.max_tokens;
    if (length) {
        parameters["max_new_tokens"] = *length;
    }
    if (spec.temperature && *spec.temperature > 0) {
        parameters["temperature"] = *spec.temperature;
        parameters["do_sample"] = true;
    }
    return parameters;
}

} // namespace

std::string_view to_string(ProviderType type) {
    switch (type) {
    case ProviderType::openai:
        return "openai";
    case ProviderType::ollama:
        return "ollama";
    case ProviderType::tgi:
        return "tgi";
    }
    return "?";
}

std::string_view to_string(Operation operation) {
    switch (operation) {
    case Operation::chat:
        return "chat";
    case Operation::chat_stream:
        return "chat_stream";
    case Operation::generate:
        return "generate";
    case Operation::generate_stream:
        return "generate_stream";
    case Operation::embed:
        return "embed";
    }
    return "?";
}

ProviderType parse_provider_type(std::string_view name) {
    return parse_name(name, all_types, "provider type");
}

Operation parse_operation(std::string_view name) {
    return parse_name(name, all_operations, "operation");
}

bool is_streamed(Operation operation) {
    return operation == Operation::chat_stream || operation == Operation::generate_stream;
}

WireFormat wire_format(ProviderType type, Operation operation) {
    bool chat = operation == Operation::chat || operation == Operation::chat_stream;
    switch (type) {
    case ProviderType::openai:
        return operation == Operation::embed ? WireFormat::openai_embedding
               : chat                        ? WireFormat::openai_chat
                                             : WireFormat::openai_completion;
    case ProviderType::ollama:
        return operation == Operation::embed ? WireFormat::ollama_embed
               : chat                        ? WireFormat::ollama_chat
                                             : WireFormat::ollama_generate;
    case ProviderType::tgi:
        if (operation == Operation::embed) {
            throw UsageError("TGI (text-generation-inference) serves no embeddings; measure "
                             "embeddings with an OpenAI-compatible or Ollama provider");
        }
        return chat ? WireFormat::openai_chat : WireFormat::tgi_generate;
    }
    return WireFormat::openai_chat;
}

std::string endpoint_path(ProviderType type, Operation operation) {
    switch (wire_format(type, operation)) {
    case WireFormat::openai_chat:
        return "/v1/chat/completions";
    case WireFormat::openai_completion:
        return "/v1/completions";
    case WireFormat::openai_embedding:
        return "/v1/embeddings";
    case WireFormat::ollama_chat:
        return "/api/chat";
    case WireFormat::ollama_generate:
        return "/api/generate";
    case WireFormat::ollama_embed:
        return "/api/embed";
    case WireFormat::tgi_generate:
        return is_streamed(operation) ? "/generate_stream" : "/generate";
    }
    return "/";
}

std::string endpoint_url(std::string_view base_url, ProviderType type, Operation operation) {
    std::string path = endpoint_path(type, operation);
    std::string base(base_url);
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    if (path.starts_with("/v1/") && base.ends_with("/v1")) {
        base.resize(base.size() - 3);
    }
    return base + path;
}

std::string request_body(const RequestSpec& spec) {
    bool stream = is_streamed(spec.operation);
    bool chat = spec.operation == Operation::chat || spec.operation == Operation::chat_stream;
    json body;
    switch (wire_format(spec.provider, spec.operation)) {
    case WireFormat::openai_chat:
    case WireFormat::openai_completion:
        body["model"] = spec.model;
        if (chat) {
            body["messages"] = chat_messages(spec);
        } else {
            body["prompt"] = single_text(spec);
        }
        add_openai_lengths(body, spec);
        if (spec.temperature) {
            body["temperature"] = *spec.temperature;
        }
        body["stream"] = stream;
        if (stream) {
            body["stream_options"] = {{"include_usage", true}};
        }
        break;
    case WireFormat::openai_embedding:
    case WireFormat::ollama_embed:
        body["model"] = spec.model;
        body["input"] = single_text(spec);
        break;
    case WireFormat::ollama_chat:
    case WireFormat::ollama_generate:
        body["model"] = spec.model;
        if (chat) {
            body["messages"] = chat_messages(spec);
        } else {
            body["prompt"] = single_text(spec);
        }
        body["stream"] = stream;
        if (json options = ollama_options(spec); !options.empty()) {
            body["options"] = options;
        }
        break;
    case WireFormat::tgi_generate:
        body["inputs"] = single_text(spec);
        body["parameters"] = tgi_parameters(spec);
        break;
    }
    // A prompt read from a file may hold bytes that are not UTF-8; replace them rather than throw.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace farm::ai
