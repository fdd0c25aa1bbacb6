// Helpers of the report tests: the lines of a rendered text, and the smallest run overview a view
// can show (one wall-time metric).
#pragma once

#include "farm/history/run.hpp"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace farm::test {

// The lines of `text`, without their line ends.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// Run `id` of the build subject "quick": wall_s with this median over 3 iterations.
inline history::RunOverview run_with_wall(std::int64_t id, double median) {
    history::RunOverview run;
    run.id = id;
    run.kind = "build";
    run.subject = "quick";
    history::MetricSeries wall;
    wall.name = "wall_s";
    wall.unit = "s";
    wall.summary.count = 3;
    wall.summary.median = median;
    run.metrics.push_back(wall);
    return run;
}

} // namespace farm::test
