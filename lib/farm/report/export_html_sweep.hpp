// The throughput-versus-latency curve of an AI load sweep (`farm perf:benchmark`): one point per
// load level at (requests per second, median end-to-end latency), joined in the order of the
// load, each labelled with its level ("c=4"). Where the curve turns up steeply is the knee: past
// it more load buys latency, not throughput. Both axes start at zero.
//
// The HTML report draws it inline for the sweeps in its history (the subjects of kind "ai" whose
// names end in "/c=N" or "/r=N", the newest completed run of each level); `perf:benchmark
// --export FILE.svg` writes it as a standalone SVG file with its own style sheet.
//
// Guarantees: one <svg class="chart sweep"> holding one <polyline class="curve"> and a <circle
// class="curve-dot"> per level; every text HTML-escaped; the standalone document declares the SVG
// namespace and loads nothing from anywhere.
#pragma once

#include "farm/report/dataset.hpp"

#include <string>
#include <vector>

namespace farm::report {

struct CurvePoint {
    std::string label;     // "c=4"
    double throughput = 0; // successful requests per second
    double latency_ms = 0; // median end-to-end latency
};

struct SweepCurve {
    std::string title;              // "mock/tiny/chat_stream: throughput against latency"
    std::vector<CurvePoint> points; // in the order of the load
};

std::string render_sweep_svg(const SweepCurve& curve);

// The same charts as a file of its own: XML declaration, xmlns, an embedded <style>; several
// curves (one per provider of the sweep) one under the other.
std::string sweep_svg_document(const std::vector<SweepCurve>& curves);

// The sweeps among the subjects: one curve per subject name without its level, with at least two
// levels that completed a run measuring request_throughput and e2e_ms.
std::vector<SweepCurve> sweeps_in(const std::vector<SubjectTrend>& subjects);

// Whether a file name ends in .svg (any case): what --export of perf:benchmark accepts.
bool is_svg_file(const std::string& file);

} // namespace farm::report
