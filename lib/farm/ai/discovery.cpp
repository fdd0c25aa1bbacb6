#include "farm/ai/discovery.hpp"

#include "farm/ai/server_json.hpp"
#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/net/http_client.hpp"

#include <nlohmann/json.hpp>

namespace farm::ai {

namespace {

std::vector<std::string> model_names(ProviderType type, const nlohmann::json& body) {
    std::vector<std::string> names;
    const nlohmann::json* list = member(body, type == ProviderType::ollama ? "models" : "data");
    if (list == nullptr || !list->is_array()) {
        return names;
    }
    for (const nlohmann::json& entry : *list) {
        std::string_view name = string_member(entry, type == ProviderType::ollama ? "name" : "id");
        if (!name.empty()) {
            names.emplace_back(name);
        }
    }
    return names;
}

} // namespace

const std::vector<ServerCandidate>& local_server_candidates() {
    static const std::vector<ServerCandidate> candidates = {
        {"Ollama", ProviderType::ollama, "http://127.0.0.1:11434"},
        {"vLLM", ProviderType::openai, "http://127.0.0.1:8000"},
        {"llama.cpp", ProviderType::openai, "http://127.0.0.1:8080"},
        {"LM Studio", ProviderType::openai, "http://127.0.0.1:1234"},
    };
    return candidates;
}

std::string models_path(ProviderType type) {
    return type == ProviderType::ollama ? "/api/tags" : "/v1/models";
}

std::vector<ProbeResult> probe_servers(const std::vector<ServerCandidate>& candidates,
                                       double timeout_s) {
    std::vector<ProbeResult> results;
    for (const ServerCandidate& candidate : candidates) {
        ProbeResult result;
        result.candidate = candidate;
        net::HttpRequest request;
        request.url = candidate.base_url + models_path(candidate.type);
        request.connect_timeout_s = timeout_s;
        request.total_timeout_s = timeout_s;
        request.peer_name = candidate.label;
        try {
            net::HttpResponse response = net::send(request);
            if (!response.ok()) {
                result.problem = "HTTP " + std::to_string(response.status) + " from " +
                                 net::url_for_messages(request.url);
            } else {
                nlohmann::json body = core::parse_json_or_discarded(response.body);
                if (body.is_discarded() || !body.is_object()) {
                    result.problem = net::url_for_messages(request.url) +
                                     " did not answer with a list of models";
                } else {
                    result.found = true;
                    result.models = model_names(candidate.type, body);
                }
            }
        } catch (const farm::Error& e) {
            result.problem = e.what();
        }
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace farm::ai
