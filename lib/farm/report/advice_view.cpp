#include "farm/report/advice_view.hpp"

#include "farm/report/table.hpp"

#include <algorithm>

namespace farm::report {

namespace {

std::string painted(analysis::Priority priority, const std::string& text, bool color) {
    if (!color) {
        return text;
    }
    const char* start = priority == analysis::Priority::high     ? "\033[1;31m"
                        : priority == analysis::Priority::medium ? "\033[1;33m"
                                                                 : "\033[1m";
    return start + text + "\033[0m";
}

std::string evidence_text(const std::vector<std::int64_t>& runs) {
    std::string out = runs.size() == 1 ? "run " : "runs ";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(runs[i]);
    }
    return out;
}

} // namespace

std::string render_advice(const std::vector<analysis::Recommendation>& recommendations,
                          bool color) {
    std::size_t subject_width = 0;
    for (const analysis::Recommendation& r : recommendations) {
        subject_width = std::max(subject_width, display_width(r.subject));
    }
    std::string out;
    for (const analysis::Recommendation& r : recommendations) {
        std::string priority = analysis::to_string(r.priority);
        out += painted(r.priority, priority, color) + std::string(8 - priority.size(), ' ') +
               r.subject + std::string(subject_width - display_width(r.subject) + 2, ' ') +
               r.finding + "\n";
        out += "        -> " + r.action + "\n";
        if (!r.evidence_runs.empty()) {
            out += "        evidence: " + evidence_text(r.evidence_runs) + " (" + r.rule + ")\n";
        }
    }
    return out;
}

nlohmann::json advice_to_json(const std::vector<analysis::Recommendation>& recommendations) {
    nlohmann::json list = nlohmann::json::array();
    for (const analysis::Recommendation& r : recommendations) {
        list.push_back({{"priority", analysis::to_string(r.priority)},
                        {"area", r.area},
                        {"subject", r.subject},
                        {"rule", r.rule},
                        {"finding", r.finding},
                        {"evidence_runs", r.evidence_runs},
                        {"action", r.action}});
    }
    return {{"schema", "farm.advice/1"}, {"recommendations", list}};
}

} // namespace farm::report
