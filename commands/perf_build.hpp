// `farm perf:build`: times a command over many runs and records the result in the history.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

void register_perf_build(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
