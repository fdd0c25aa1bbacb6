#include "commands/completion.hpp"

#include "commands/cli.hpp"
#include "commands/option_checks.hpp"
#include "farm/core/config.hpp"
#include "farm/core/error.hpp"
#include "farm/core/paths.hpp"
#include "farm/core/version.hpp"
#include "farm/history/store.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

// Options whose value is a path, by name, for parsers that do not say so with a type name of
// FILE, PATH or DIR. The same name means the same thing in every command.
const std::vector<std::pair<std::string, shell::ValueKind>>& well_known_values() {
    static const std::vector<std::pair<std::string, shell::ValueKind>> table = {
        {"--db", shell::ValueKind::file},           {"--config", shell::ValueKind::file},
        {"--export", shell::ValueKind::file},       {"--import", shell::ValueKind::file},
        {"--pnpm", shell::ValueKind::file},         {"--output-dir", shell::ValueKind::directory},
        {"dir", shell::ValueKind::directory},       {"--subject", shell::ValueKind::subject},
        {"--provider", shell::ValueKind::provider}, {"--suite", shell::ValueKind::suite},
    };
    return table;
}

// CLI11 appends each check's description to the type name: "TEXT:{warm,cold,noop,none}" for a
// one_of_check (option_checks.hpp). The braces hold the fixed values.
std::vector<std::string> choices_in(const std::string& type_name) {
    std::vector<std::string> choices;
    std::size_t open = type_name.find(":{");
    std::size_t close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) {
        return choices;
    }
    std::string list = type_name.substr(open + 2, close - open - 2);
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        if (comma > start) {
            choices.push_back(list.substr(start, comma - start));
        }
        start = comma + 1;
    }
    return choices;
}

shell::OptionModel option_model(const CLI::Option& option) {
    shell::OptionModel model;
    for (const std::string& name : option.get_snames()) {
        model.names.push_back("-" + name);
    }
    for (const std::string& name : option.get_lnames()) {
        model.names.push_back("--" + name);
    }
    if (model.names.empty()) {
        model.positional = option.get_name();
    }
    model.description = shell::one_line(option.get_description());
    if (option.get_items_expected_max() == 0) { // a flag
        return model;
    }
    std::string type_name = option.get_type_name();
    model.value_name = type_name.substr(0, type_name.find(':'));
    model.repeatable = option.get_items_expected_max() > 1;
    model.choices = choices_in(type_name);
    model.value = shell::ValueKind::text;
    std::string key = model.names.empty() ? model.positional : model.names.back();
    for (const auto& [name, kind] : well_known_values()) {
        if (name == key) {
            model.value = kind;
        }
    }
    if (model.value_name == "FILE" || model.value_name == "PATH") {
        model.value = shell::ValueKind::file;
    } else if (model.value_name == "DIR") {
        model.value = shell::ValueKind::directory;
    }
    if (!model.choices.empty()) {
        model.value = shell::ValueKind::choice;
    }
    return model;
}

std::vector<shell::OptionModel> options_of(CLI::App& app) {
    std::vector<shell::OptionModel> options;
    // An option without a group is hidden from the help, and so from the scripts.
    for (const CLI::Option* option :
         app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); })) {
        options.push_back(option_model(*option));
    }
    return options;
}

// Every node of the parser that users can run: each leaf, and each group that the command table
// lists as a command of its own.
void add_commands(CLI::App& app, const std::string& prefix, shell::CliModel& model) {
    for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
        std::string name = prefix.empty() ? sub->get_name() : prefix + ":" + sub->get_name();
        const std::vector<CommandInfo>& table = command_table();
        auto listed = std::find_if(table.begin(), table.end(),
                                   [&](const CommandInfo& c) { return name == c.name; });
        bool has_children = !sub->get_subcommands([](CLI::App*) { return true; }).empty();
        if (!has_children || listed != table.end()) {
            shell::CommandModel command;
            command.name = name;
            command.description = sub->get_description();
            command.usage = listed != table.end() ? listed->usage : "[OPTIONS]";
            command.summary = listed != table.end()
                                  ? listed->summary
                                  : command.description.substr(0, command.description.find('\n'));
            command.options = options_of(*sub);
            model.commands.push_back(command);
        }
        add_commands(*sub, name, model);
    }
}

std::size_t table_position(const std::string& name) {
    const std::vector<CommandInfo>& table = command_table();
    auto found = std::find_if(table.begin(), table.end(),
                              [&](const CommandInfo& c) { return name == c.name; });
    return std::size_t(found - table.begin());
}

// Values for `--subject`: the subjects of the history. Completion runs in the middle of a command
// line: a missing or unreadable history prints nothing rather than an error.
void print_subjects(const std::string& db) {
    try {
        fs::path root = core::find_project_root(fs::current_path());
        history::Store store(
            core::resolve_db_path(db.empty() ? std::nullopt : std::optional(db), root),
            history::Store::Mode::existing);
        history::RunQuery query;
        query.per_subject = 1;
        std::set<std::string> subjects;
        for (const history::RunOverview& run : store.recent_runs(query)) {
            if (run.subject.find('\n') == std::string::npos) {
                subjects.insert(run.subject);
            }
        }
        for (const std::string& subject : subjects) {
            std::cout << subject << "\n";
        }
    } catch (const std::exception&) {
    }
}

// Values for `--provider` (the providers of farm.config.json, then the provider types) and
// `--suite` (its test suites). A config that does not load prints nothing, as above.
void print_config_names(const std::string& list) {
    try {
        core::Config config = core::load_config(core::find_project_root(fs::current_path()));
        if (list == "providers") {
            for (const core::AiProviderConfig& p : config.ai.providers) {
                std::cout << p.name << "\n";
            }
            for (const char* type : {"openai", "ollama", "tgi"}) {
                std::cout << type << "\n";
            }
        } else {
            for (const core::TestSuite& s : config.test.suites) {
                std::cout << s.name << "\n";
            }
        }
    } catch (const std::exception&) {
    }
}

struct CompletionOptions {
    std::string shell;
    std::string list;
    std::string db;
};

void run_completion(const CompletionOptions& o, CLI::App& root) {
    if (o.list == "subjects") {
        print_subjects(o.db);
        return;
    }
    if (o.list == "providers" || o.list == "suites") {
        print_config_names(o.list);
        return;
    }
    if (o.shell.empty()) {
        throw UsageError("give a shell: farm completion bash|zsh|fish, or farm completion man "
                         "for the manual page");
    }
    shell::CliModel model = cli_model(root);
    if (o.shell == "bash") {
        std::cout << shell::bash_completion(model);
    } else if (o.shell == "zsh") {
        std::cout << shell::zsh_completion(model);
    } else if (o.shell == "fish") {
        std::cout << shell::fish_completion(model);
    } else {
        std::cout << shell::man_page(model);
    }
}

} // namespace

shell::CliModel cli_model(CLI::App& root) {
    shell::CliModel model;
    model.program = root.get_name();
    model.version = farm::version;
    std::string description = root.get_description();
    std::string lead = model.program + " - ";
    model.summary = description.starts_with(lead) ? description.substr(lead.size()) : description;
    model.global_options = options_of(root);
    add_commands(root, "", model);
    std::stable_sort(model.commands.begin(), model.commands.end(),
                     [](const shell::CommandModel& a, const shell::CommandModel& b) {
                         return table_position(a.name) < table_position(b.name);
                     });
    for (const ExitCodeInfo& code : exit_code_table()) {
        model.exit_codes.push_back({std::to_string(code.code), code.meaning});
    }
    model.files = {
        {".farm/perf.db", "the history, in SQLite, in the project root; --db PATH or FARM_DB "
                          "choose another"},
        {"farm.config.json", "the project's settings, in the project root; --config chooses "
                             "another"},
    };
    model.environment = {
        {"FARM_DB", "the history database when --db is not given"},
        {"FARM_PNPM", "the pnpm binary when --pnpm is not given (default: pnpm from PATH)"},
        {"NO_COLOR", "when set, the output has no colours"},
        {"TERM", "dumb (or unset): progress as a plain line every few seconds, not a redrawn bar"},
    };
    return model;
}

void register_completion(CLI::App& app, Invocation& invocation) {
    auto options = std::make_shared<CompletionOptions>();
    CLI::App* cmd = app.add_subcommand(
        "completion", "Print a shell completion script, or the manual page, made from farm's own "
                      "options.");
    cmd->add_option("shell", options->shell,
                    "bash, zsh or fish for its completion script; man for the farm.1 page")
        ->type_name("SHELL")
        ->check(one_of_check({"bash", "zsh", "fish", "man"}));
    // What the scripts call at completion time; not for people, so hidden (no group).
    cmd->add_option("--list", options->list, "print the values of a kind, one a line")
        ->check(one_of_check({"subjects", "providers", "suites"}))
        ->group("");
    cmd->add_option("--db", options->db, "history database for --list subjects")->group("");
    CLI::App* root = &app;
    cmd->callback([options, root, &invocation] {
        run_completion(*options, *root);
        invocation.exit_code = 0;
    });
}

} // namespace farm::commands
