// How `farm optimize:build`, `farm optimize:ai` (and `farm optimize`) show recommendations: the
// terminal text, one block per recommendation in the order given, and the JSON document
// "farm.advice/1" (docs/json.md). Both carry the same fields; neither drops a recommendation.
#pragma once

#include "farm/analysis/optimize_advice.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

// "HIGH    build:@example/web  <finding>\n        -> <action>\n        evidence: runs 12, 15\n";
// with color, the priority is bold (colour is for PASS/FAIL and significant changes only). Lines
// are wrapped at spaces to `width` (0: no limit).
std::string render_advice(const std::vector<analysis::Recommendation>& recommendations, bool color,
                          std::size_t width = 0);

nlohmann::json advice_to_json(const std::vector<analysis::Recommendation>& recommendations);

} // namespace farm::report
