// `farm perf:test`: the project's performance suites (farm.config.json, test.suites) run and
// checked against their thresholds and budgets: a CI gate.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

void register_perf_test(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
