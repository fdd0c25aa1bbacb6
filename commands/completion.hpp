// `farm completion SHELL`: prints the bash, zsh or fish completion script, or the farm.1 manual
// page (`farm completion man`), all made at run time from the parser that reads farm's command
// line, so that they list exactly the commands and options the binary accepts. The hidden
// `--list subjects|providers [--db PATH]` prints the values the scripts offer at completion time.
#pragma once

#include "farm/shell/cli_model.hpp"

namespace CLI {
class App;
}

namespace farm::commands {

struct Invocation;

// The description of the whole command line, read from the parser `root` holds.
shell::CliModel cli_model(CLI::App& root);

void register_completion(CLI::App& app, Invocation& invocation);

} // namespace farm::commands
