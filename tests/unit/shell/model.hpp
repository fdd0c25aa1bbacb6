// A small command line for the renderer tests: one grouped command with a choice, a path and a
// repeatable option, one command of its own with a positional argument.
#pragma once

#include "farm/shell/cli_model.hpp"

inline farm::shell::CliModel test_model() {
    using farm::shell::ValueKind;
    farm::shell::CliModel model;
    model.program = "farm";
    model.version = "9.8.7";
    model.summary = "measures things";
    model.global_options = {{{"-h", "--help"}, "", "", "this help", ValueKind::none, {}, false}};
    farm::shell::CommandModel build;
    build.name = "perf:build";
    build.usage = "[OPTIONS] -- COMMAND";
    build.summary = "time a command";
    build.description = "Time it.\n.dot line";
    build.options = {
        {{"--install"}, "", "TEXT", "install [mode]", ValueKind::choice, {"warm", "cold"}, false},
        {{"--db"}, "", "TEXT", "it's the history", ValueKind::file, {}, false},
        {{"-o", "--output-dir"}, "", "TEXT", "a folder", ValueKind::directory, {}, true},
        {{"--subject"}, "", "TEXT", "a subject", ValueKind::subject, {}, false},
        {{"--json"}, "", "", "as JSON", ValueKind::none, {}, false},
    };
    farm::shell::CommandModel completion;
    completion.name = "completion";
    completion.usage = "SHELL";
    completion.summary = "print a script";
    completion.options = {
        {{}, "shell", "SHELL", "which shell", ValueKind::choice, {"bash", "zsh"}, false}};
    model.commands = {build, completion};
    model.exit_codes = {{"0", "ok"}, {"130", "interrupted"}};
    model.files = {{".farm/perf.db", "the history"}};
    model.environment = {{"FARM_DB", "the history database"}};
    return model;
}
