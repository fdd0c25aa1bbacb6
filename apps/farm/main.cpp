// farm's entry point: normalise argv, parse it, run the command, and turn every error into a
// message and one of the documented exit codes. Nothing else lives here.
#include "commands/cli.hpp"
#include "commands/cli_mistakes.hpp"
#include "farm/core/error.hpp"
#include "farm/core/version.hpp"
#include "farm/exec/interrupt.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

namespace {

int report_error(const std::string& message, farm::ExitCode code, bool json) {
    if (json) {
        nlohmann::json doc = {
            {"schema", "farm.error/1"}, {"error", message}, {"exit_code", int(code)}};
        std::cout << doc.dump(2) << "\n";
    }
    std::cerr << "farm: error: " << message << "\n";
    return int(code);
}

std::string usage_of(const std::string& command) {
    if (const farm::commands::CommandInfo* c = farm::commands::find_command(command)) {
        return std::string("Usage: farm ") + c->name + " " + c->usage + "\nRun `farm " + c->name +
               " --help` for every option and examples.";
    }
    return "Run `farm --help` for the list of commands.";
}

} // namespace

int main(int argc, char** argv) {
    farm::exec::restore_child_signal(); // before any child: an inherited SIG_IGN hides their exits
    // Scripts call `farm --version` to probe for farm: answer before building the whole CLI.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::cout << "farm " << farm::version << "\n";
        return 0;
    }
    using farm::commands::Arguments;
    Arguments arguments = farm::commands::normalise_arguments(argc, argv);
    if (farm::commands::wants_top_level_help(arguments)) {
        std::cout << farm::commands::top_level_help();
        return 0;
    }
    if (std::optional<std::string> unknown = farm::commands::unknown_command_message(arguments)) {
        return report_error(*unknown, farm::ExitCode::usage, false);
    }

    CLI::App app("farm - performance measurements for pnpm + AI full-stack projects", "farm");
    app.set_version_flag("--version", std::string("farm ") + farm::version);
    app.require_subcommand(1);
    farm::commands::Invocation invocation;
    invocation.trailing = arguments.trailing;
    invocation.has_trailing = arguments.has_trailing;
    farm::commands::register_all_commands(app, invocation);
    // A command's callback, which sets `json`, never runs when parsing fails: a script that asked
    // for JSON still gets a farm.error/1 document for a mistyped option.
    invocation.json = std::find(arguments.words.begin(), arguments.words.end(), "--json") !=
                      arguments.words.end();

    std::vector<std::string> reversed(arguments.words.rbegin(), arguments.words.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string message = farm::commands::explain_parse_error(e, app, arguments);
        return report_error(message + "\n" + usage_of(farm::commands::typed_command(arguments)),
                            farm::ExitCode::usage, invocation.json);
    } catch (const farm::Error& e) {
        return report_error(e.what(), e.code(), invocation.json);
    } catch (const std::exception& e) {
        return report_error(std::string("unexpected failure: ") + e.what(), farm::ExitCode::usage,
                            invocation.json);
    }
    return invocation.exit_code;
}
