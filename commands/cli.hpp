// The command-line plumbing shared by main() and the command files: the table of commands (with
// each one's Usage line and examples for --help), argv normalisation (perf:build -> perf build,
// and the COMMAND after `--` set aside), the top-level help, and "did you mean" for unknown
// commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace farm::commands {

struct CommandInfo {
    const char* name;                  // as users type it: "perf:build"
    const char* usage;                 // arguments after the name: the one Usage line of --help
    const char* summary;               // one line for `farm --help`
    std::vector<const char*> examples; // whole command lines, a `# why` after each where useful
};

// The entry of a command as users type it ("perf:build"); nullptr for a name farm does not have.
const CommandInfo* find_command(const std::string& name);

const std::vector<CommandInfo>& command_table();

struct ExitCodeInfo {
    int code;
    const char* meaning; // "a check failed"
};

// The documented exit codes, for the help and the manual page.
const std::vector<ExitCodeInfo>& exit_code_table();

struct Arguments {
    std::vector<std::string> words;    // for CLI11, colon forms split: {"perf", "build", ...}
    std::vector<std::string> trailing; // everything after the first `--`
    bool has_trailing = false;
};

Arguments normalise_arguments(int argc, const char* const* argv);

// "perf:build" for {"perf", "build", ...}; empty when no command was given.
std::string typed_command(const Arguments& arguments);

// True for `farm`, `farm -h`, `farm --help`, `farm help`.
bool wants_top_level_help(const Arguments& arguments);
std::string top_level_help();

// When the typed command is not one of ours: the message, with the closest name when one is
// close enough ("did you mean perf:build?").
std::optional<std::string> unknown_command_message(const Arguments& arguments);

// What every command shares: the COMMAND after `--`, whether --json was asked (so that an error
// is reported as JSON too), and the exit code the command chose.
struct Invocation {
    std::vector<std::string> trailing;
    bool has_trailing = false;
    bool json = false;
    int exit_code = 0;
};

void register_all_commands(CLI::App& app, Invocation& invocation);

} // namespace farm::commands
