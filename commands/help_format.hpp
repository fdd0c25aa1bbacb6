// How `farm COMMAND --help` reads: the description, one Usage line as users type the command
// (`farm perf:build ...`, from command_table()), the options, then an Examples section. CLI11's
// own layout would print a second Usage line in its spelling (`farm perf build [OPTIONS] [dir]`)
// and no examples.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace farm::commands {

// "perf:build" for CLI11's `build` under `perf`; "perf" for the group itself; "" for the root.
std::string typed_name_of(const CLI::App& app);

// The formatter every farm command uses; set on the root before the commands are added.
std::shared_ptr<CLI::Formatter> help_formatter();

} // namespace farm::commands
