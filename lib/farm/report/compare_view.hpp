// The terminal and JSON forms of `farm perf:report --compare`: one row per subject and metric with
// both medians, the change, the Mann-Whitney p-value and the verdict, the geometric-mean row, and
// how each subject's baseline was chosen.
#pragma once

#include "farm/report/dataset.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace farm::report {

// Fitted to `width` (0: no limit): the change and the verdict stay, the medians and p go under
// their row when the line is short. Colour marks slower and faster only.
std::string render_comparison(const Comparison& comparison, bool color, std::size_t width = 0);

nlohmann::json comparison_to_json(const Comparison& comparison);

} // namespace farm::report
