#include "farm/report/advice_view.hpp"

#include "farm/report/table.hpp"

#include <algorithm>

namespace farm::report {

namespace {

// Bold, not coloured: colour is kept for PASS/FAIL and significant changes (table.hpp).
std::string evidence_text(const std::vector<std::int64_t>& runs) {
    std::string out = runs.size() == 1 ? "run " : "runs ";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(runs[i]);
    }
    return out;
}

} // namespace

std::string render_advice(const std::vector<analysis::Recommendation>& recommendations, bool color,
                          std::size_t width) {
    std::size_t subject_width = 0;
    for (const analysis::Recommendation& r : recommendations) {
        subject_width = std::max(subject_width, display_width(r.subject));
    }
    std::string out;
    for (const analysis::Recommendation& r : recommendations) {
        std::string priority = analysis::to_string(r.priority);
        // Wrapped as plain text, then the priority made bold: escapes would count as width.
        std::string first = wrap_text(
            priority + std::string(8 - priority.size(), ' ') + r.subject +
                std::string(subject_width - display_width(r.subject) + 2, ' ') + r.finding,
            width, 8);
        out += bold(priority, color) + first.substr(priority.size()) + "\n";
        out += wrap_text("        -> " + r.action, width, 3) + "\n";
        if (!r.evidence_runs.empty()) {
            out += wrap_text("        evidence: " + evidence_text(r.evidence_runs) + " (" + r.rule +
                                 ")",
                             width, 2) +
                   "\n";
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
