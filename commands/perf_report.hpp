// `farm perf:report`: what the history holds, subject by subject.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

void register_perf_report(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
