// The `ai` section of farm.config.json: the providers `farm perf:ai` benchmarks and their
// response-time thresholds. docs/config.md ("ai") documents it.
#include "farm/core/config.hpp"
#include "farm/core/config_reader.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <set>

namespace farm::core::detail {

using nlohmann::json;

namespace {

const std::vector<std::string>& ai_provider_types() {
    static const std::vector<std::string> types = {"openai", "ollama", "tgi"};
    return types;
}

std::string ai_provider_type(const ConfigReader& r, const json& value, const std::string& where) {
    std::string type = r.string(value, where);
    const std::vector<std::string>& types = ai_provider_types();
    if (std::find(types.begin(), types.end(), type) == types.end()) {
        std::string message = "must be \"openai\", \"ollama\" or \"tgi\"";
        if (std::optional<std::string> close = closest_match(type, types)) {
            message += ": did you mean '" + *close + "'?";
        }
        r.fail(where, message);
    }
    return type;
}

AiProviderConfig read_ai_provider(const ConfigReader& r, const json& p, const std::string& where) {
    r.check_keys(p, where, {"name", "type", "base_url", "model", "api_key_env", "timeouts"});
    for (const char* required : {"name", "type", "base_url"}) {
        if (!p.contains(required)) {
            r.fail(where, std::string("needs \"") + required + "\" (name, type, base_url)");
        }
    }
    AiProviderConfig out;
    out.name = r.string(p["name"], where + ".name");
    out.type = ai_provider_type(r, p["type"], where + ".type");
    out.base_url = r.string(p["base_url"], where + ".base_url");
    if (!out.base_url.starts_with("http://") && !out.base_url.starts_with("https://")) {
        r.fail(where + ".base_url", "must be an http:// or https:// URL");
    }
    if (p.contains("model")) {
        out.model = r.string(p["model"], where + ".model");
    }
    if (p.contains("api_key_env")) {
        out.api_key_env = r.string(p["api_key_env"], where + ".api_key_env");
    }
    if (p.contains("timeouts")) {
        const json& t = p["timeouts"];
        std::string at = where + ".timeouts";
        r.check_keys(t, at, {"connect_s", "first_byte_s", "total_s"});
        if (t.contains("connect_s")) {
            out.connect_timeout_s = r.number(t["connect_s"], at + ".connect_s", 0.001, 86400);
        }
        if (t.contains("first_byte_s")) {
            out.first_byte_timeout_s =
                r.number(t["first_byte_s"], at + ".first_byte_s", 0.001, 86400);
        }
        if (t.contains("total_s")) {
            out.total_timeout_s = r.number(t["total_s"], at + ".total_s", 0.001, 86400);
        }
    }
    return out;
}

} // namespace

void read_ai(const ConfigReader& r, const json& ai, AiConfig& out) {
    r.check_keys(ai, "ai", {"providers", "thresholds"});
    if (ai.contains("providers")) {
        const json& providers = ai["providers"];
        if (!providers.is_array()) {
            r.fail("ai.providers", "must be an array of providers");
        }
        for (std::size_t i = 0; i < providers.size(); ++i) {
            std::string where = "ai.providers[" + std::to_string(i) + "]";
            AiProviderConfig provider = read_ai_provider(r, providers[i], where);
            for (const AiProviderConfig& other : out.providers) {
                if (other.name == provider.name) {
                    r.fail(where + ".name", "'" + provider.name + "' names two providers");
                }
            }
            out.providers.push_back(std::move(provider));
        }
    }
    if (ai.contains("thresholds")) {
        const json& thresholds = ai["thresholds"];
        std::vector<std::string> keys = ai_provider_types();
        keys.push_back("error_rate");
        r.check_keys(thresholds, "ai.thresholds", keys);
        for (const auto& [type, value] : thresholds.items()) {
            std::string where = "ai.thresholds." + type;
            if (type == "error_rate") {
                out.error_rate = r.number(value, where, 0, 1);
                continue;
            }
            r.check_keys(value, where, {"slow_ms", "fast_ms"});
            if (!value.contains("slow_ms") || !value.contains("fast_ms")) {
                r.fail(where, "needs \"slow_ms\" and \"fast_ms\"");
            }
            AiThresholdConfig t;
            t.slow_ms = r.number(value["slow_ms"], where + ".slow_ms", 0, 1e9);
            t.fast_ms = r.number(value["fast_ms"], where + ".fast_ms", 0, 1e9);
            if (t.fast_ms > t.slow_ms) {
                r.fail(where + ".fast_ms", "must not be above slow_ms");
            }
            out.thresholds[type] = t;
        }
    }
}

} // namespace farm::core::detail
