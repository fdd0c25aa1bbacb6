// `farm perf` alone: the dashboard (system now, latest results, alerts), once or --watch.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

// Adds the dashboard's options to the `perf` command itself; it runs only when no perf:*
// subcommand was given.
void register_perf_dashboard(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
