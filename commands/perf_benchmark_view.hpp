// perf:benchmark's results: a sweep of load levels per server, shown as a table with a
// throughput bar and its knee, written as the farm.benchmark/1 document, and the exit status they
// give. Used by commands/perf_benchmark.cpp only.
#pragma once

#include "commands/cli.hpp"
#include "commands/perf_ai_session.hpp"

#include "farm/ai/sweep.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace farm::commands {

struct Level {
    double load = 0;
    AiRunOutcome outcome;
    double goodput = 0;
};

struct Sweep {
    ai::Target target;
    std::vector<Level> levels;
    std::optional<ai::Knee> knee;
};

// "c=4" or "r=2.5": a level's name in subjects and tables.
std::string level_name(bool rate_mode, double load);

// The sweep's table, throughput bars, knee line and goodput note; fits `width` (0: no limit).
std::string render_sweep(const Sweep& sweep, bool rate_mode, const ai::Slo& slo, bool color,
                         std::size_t width);

// The farm.benchmark/1 document (docs/json.md).
nlohmann::json benchmark_document(const std::vector<Sweep>& sweeps, bool rate_mode,
                                  const ai::Slo& slo, bool interrupted, AiSession& session,
                                  const std::vector<analysis::Recommendation>& advice);

// Exit 1 when a level's error rate is above the line, 3 when nothing at all succeeded.
void set_exit_status(const std::vector<Sweep>& sweeps, bool rate_mode, Invocation& invocation);

} // namespace farm::commands
