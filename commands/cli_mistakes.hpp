// Command-line mistakes in words. CLI11 says "The following arguments were not expected: 0 -e"
// (its own, reversed order) where the user forgot `--` before a command, and "Value abc not in
// range" for a typo; this module turns each parse error into what went wrong and what to type:
// "did you mean `farm perf:build -- node -e 0`?", "did you mean --runs?".
#pragma once

#include "commands/cli.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace farm::commands {

// The message for a parse error of `arguments` (already parsed, and failed, by `root`).
std::string explain_parse_error(const CLI::ParseError& error, const CLI::App& root,
                                const Arguments& arguments);

} // namespace farm::commands
