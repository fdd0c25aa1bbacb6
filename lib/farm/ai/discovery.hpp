// Finding AI servers on this machine when none is configured: the usual local ports are asked
// for their list of models, briefly, one after another.
//
//   Ollama     http://127.0.0.1:11434  GET /api/tags   -> models[].name
//   vLLM       http://127.0.0.1:8000   GET /v1/models  -> data[].id
//   llama.cpp  http://127.0.0.1:8080   GET /v1/models
//   LM Studio  http://127.0.0.1:1234   GET /v1/models
//
// A port that refuses, times out or answers with something else is "not found", with the
// reason kept for the message. Nothing here throws for an unreachable server.
#pragma once

#include "farm/ai/provider_request.hpp"

#include <string>
#include <vector>

namespace farm::ai {

struct ServerCandidate {
    std::string label; // "Ollama", "vLLM", "llama.cpp", "LM Studio"
    ProviderType type = ProviderType::openai;
    std::string base_url;
};

// The four above, in that order.
const std::vector<ServerCandidate>& local_server_candidates();

struct ProbeResult {
    ServerCandidate candidate;
    bool found = false;
    std::vector<std::string> models; // as listed by the server
    std::string problem;             // why it was not found
};

// Asks each candidate for its models with `timeout_s` for the whole exchange.
std::vector<ProbeResult> probe_servers(const std::vector<ServerCandidate>& candidates,
                                       double timeout_s = 0.5);

// The path that lists a provider type's models: /api/tags for Ollama, /v1/models otherwise.
std::string models_path(ProviderType type);

} // namespace farm::ai
