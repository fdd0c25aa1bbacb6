// `farm optimize:build` and `farm optimize:ai`: advice from the measured history, with its
// priority, evidence and action. The `optimize` group and `farm optimize` itself live elsewhere.
#pragma once

#include "farm/analysis/optimize_advice.hpp"

#include <string>

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

// The window `--since` selects: an age (30d, 12h, 2w) back from now, or a UTC date or time
// (2026-11-01, 2026-11-01T08:00:00Z); an empty text is the whole history. Throws UsageError.
analysis::AdviceWindow advice_window_from(const std::string& since);

void register_optimize_build(CLI::App& optimize, Invocation& invocation);
void register_optimize_ai(CLI::App& optimize, Invocation& invocation);

} // namespace farm::commands
