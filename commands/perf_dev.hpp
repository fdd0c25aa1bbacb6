// `farm perf:dev`: starts the project's dev services (farm.config.json `dev.services`, or
// `pnpm run dev`), times their start-up until ready over several runs and their hot reloads,
// samples their CPU and memory, stops them all, records and judges the results.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

void register_perf_dev(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
