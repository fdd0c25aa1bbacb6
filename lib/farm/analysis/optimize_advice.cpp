#include "farm/analysis/optimize_advice.hpp"

#include <algorithm>

namespace farm::analysis {

const char* to_string(Priority priority) {
    switch (priority) {
    case Priority::high:
        return "HIGH";
    case Priority::medium:
        return "MEDIUM";
    case Priority::low:
        return "LOW";
    }
    return "LOW";
}

void sort_by_priority(std::vector<Recommendation>& recommendations) {
    std::stable_sort(recommendations.begin(), recommendations.end(),
                     [](const Recommendation& a, const Recommendation& b) {
                         return int(a.priority) < int(b.priority);
                     });
}

bool history_has_runs(history::Store& store, const std::vector<std::string>& kinds,
                      const AdviceWindow& window) {
    for (const std::string& kind : kinds) {
        history::RunQuery query;
        query.kind = kind;
        query.since = window.since;
        query.per_subject = 1;
        if (!store.recent_runs(query).empty()) {
            return true;
        }
    }
    return false;
}

const std::vector<std::string>& build_advice_kinds() {
    static const std::vector<std::string> kinds = {"build", "install", "size"};
    return kinds;
}

const std::vector<std::string>& ai_advice_kinds() {
    static const std::vector<std::string> kinds = {"ai"};
    return kinds;
}

const std::vector<std::string>& dev_advice_kinds() {
    static const std::vector<std::string> kinds = {"dev"};
    return kinds;
}

std::vector<Recommendation> advise_ai_from_history(history::Store& store,
                                                   const core::Config& config,
                                                   const AdviceWindow& window) {
    return advise_ai_from_history(store, config, window, ai_advice_settings(config));
}

AiAdviceSettings ai_advice_settings(const core::Config& config) {
    AiAdviceSettings settings;
    for (const auto& [type, t] : config.ai.thresholds) {
        settings.thresholds[type] = AiThresholds{t.slow_ms, t.fast_ms};
    }
    if (config.ai.error_rate) {
        settings.error_rate_max = *config.ai.error_rate;
    }
    return settings;
}

const AiThresholds& ai_thresholds_for(const AiAdviceSettings& settings, const std::string& type) {
    auto it = settings.thresholds.find(type);
    return it == settings.thresholds.end() ? settings.unknown_provider : it->second;
}

} // namespace farm::analysis
