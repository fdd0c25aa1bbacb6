// A plain description of farm's command line (commands, their options, the values those take)
// and the texts rendered from it: bash, zsh and fish completion scripts and the farm.1 man page.
// The description is built at run time from the parser itself (commands/completion.cpp), so the
// scripts and the page cannot drift from what the binary accepts. Rendering is deterministic
// (same model, same bytes): the committed scripts are compared byte for byte with fresh output.
// Dynamic values (subjects, providers) are fetched by the scripts at completion time with
// `PROGRAM completion --list KIND [--db PATH]`, which prints one value a line.
#pragma once

#include <string>
#include <vector>

namespace farm::shell {

enum class ValueKind {
    none,      // a flag
    text,      // free text: nothing to offer
    choice,    // one of `choices`
    file,      // a path to a file
    directory, // a path to a folder
    subject,   // a subject from the history (`completion --list subjects`)
    provider,  // an AI provider from the config (`completion --list providers`)
    suite,     // a perf:test suite from the config (`completion --list suites`)
};

struct OptionModel {
    std::vector<std::string> names; // "-r", "--runs"; empty for a positional argument
    std::string positional;         // the positional argument's name ("dir"), else empty
    std::string value_name;         // "UINT", "TEXT", "SHELL"; empty for a flag
    std::string description;        // one line
    ValueKind value = ValueKind::none;
    std::vector<std::string> choices;
    bool repeatable = false;
};

struct CommandModel {
    std::string name;                 // as users type it: "perf:build"
    std::string usage;                // what follows the name: "[OPTIONS] -- COMMAND [ARGS...]"
    std::string summary;              // one line
    std::string description;          // the command's own help text, may span lines
    std::vector<OptionModel> options; // positional arguments too, in the parser's order
};

struct NamedText {
    std::string name;
    std::string text;
};

struct CliModel {
    std::string program; // "farm"
    std::string version;
    std::string summary;
    std::vector<OptionModel> global_options;
    std::vector<CommandModel> commands;
    std::vector<NamedText> exit_codes; // "0" -> "ok"
    std::vector<NamedText> files;
    std::vector<NamedText> environment;
};

// Each of these returns the whole file.
std::string bash_completion(const CliModel& model);
std::string zsh_completion(const CliModel& model);
std::string fish_completion(const CliModel& model);
std::string man_page(const CliModel& model);

// Helpers the renderers share.

// "perf" for "perf:build"; empty for a command without a group.
std::string group_of(const std::string& command);
// The groups of the model's commands ("perf"), sorted, each once.
std::vector<std::string> command_groups(const CliModel& model);
// Whitespace runs (newlines included) collapsed into one space, ends trimmed.
std::string one_line(const std::string& text);

} // namespace farm::shell
