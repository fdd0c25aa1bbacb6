// `farm perf:ai`: benchmark AI providers (TTFT, ITL, TPOT, end-to-end latency, tokens/s, errors,
// GPU) at one load level, several providers side by side, each stored in the history.
// `farm perf:benchmark`: the same at several load levels, with the knee and goodput under SLOs.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

void register_perf_ai(CLI::App& perf, Invocation& invocation);
void register_perf_benchmark(CLI::App& perf, Invocation& invocation);

} // namespace farm::commands
