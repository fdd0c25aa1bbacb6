// `farm optimize`: every kind of advice in one prioritised list: the pnpm settings that
// optimize:pnpm would change (written only with --apply), and the build and AI advice from the
// history.
#pragma once

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

// Makes the `optimize` group itself a command that runs when no subcommand is given.
void register_optimize_all(CLI::App& optimize, Invocation& invocation);

} // namespace farm::commands
