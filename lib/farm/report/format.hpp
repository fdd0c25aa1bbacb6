// Human-readable numbers for terminal and Markdown output: a value with its unit, scaled to a
// unit that keeps 3-4 significant digits (ms, MiB, ...), and signed percentages.
#pragma once

#include <string>

namespace farm::report {

// unit is a metric unit as stored ("s", "bytes", "cores", "count", "%", ...).
std::string format_value(double value, const std::string& unit);

// "+12.3%", "-0.4%", "n/a" when the base is 0.
std::string format_change(double from, double to);

// A metric's name as a person reads it: wall_s -> "wall time".
std::string metric_label(const std::string& name);

} // namespace farm::report
