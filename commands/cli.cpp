#include "commands/cli.hpp"

#include "commands/completion.hpp"
#include "commands/help_format.hpp"
#include "commands/optimize.hpp"
#include "commands/optimize_advice.hpp"
#include "commands/optimize_pnpm.hpp"
#include "commands/perf_ai.hpp"
#include "commands/perf_build.hpp"
#include "commands/perf_dashboard.hpp"
#include "commands/perf_dev.hpp"
#include "commands/perf_report.hpp"
#include "commands/perf_test.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/core/version.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

namespace farm::commands {

const std::vector<CommandInfo>& command_table() {
    static const std::vector<CommandInfo> table = {
        {"perf",
         "[--watch [--interval SECONDS]] [--json]",
         "the dashboard: system now, the latest result of each subject, alerts",
         {"farm perf", "farm perf --watch          # a live monitor until q or Ctrl-C"}},
        {"perf:build",
         "[OPTIONS] [DIR | -c COMMAND... | -- COMMAND [ARGS...]]",
         "time a command over many runs (CPU, memory of the whole process tree) and record it",
         {"farm perf:build                       # the pnpm project here: install and builds",
          "farm perf:build -- node build.mjs     # one command, timed until ~3 s are filled",
          "farm perf:build -c 'sleep 0.05' -c 'sleep 0.1'   # two commands, compared",
          "farm perf:build -c 'make -j{jobs}' --parameter-scan jobs 1 8",
          "farm perf:build --runs 20 --warmup 2 --export runs.json -- pnpm run build"}},
        {"perf:ai",
         "[OPTIONS]",
         "benchmark AI providers: TTFT, ITL, TPOT, latency, tokens/s, errors, GPU; recorded",
         {"farm perf:ai                          # configured providers, else what answers "
          "locally",
          "farm perf:ai --provider ollama --url http://127.0.0.1:11434 --model llama3.1 "
          "--requests 50",
          "farm perf:ai --provider openai --url http://127.0.0.1:8000/v1 --model MODEL "
          "--rate 4 --duration 60"}},
        {"perf:benchmark",
         "[OPTIONS]",
         "sweep AI load levels (concurrency or rate): throughput vs latency, knee, goodput",
         {"farm perf:benchmark --provider ollama --model llama3.1 --concurrency-levels 1,4,16",
          "farm perf:benchmark --provider openai --url http://127.0.0.1:8000/v1 --model MODEL "
          "--rates 1,2,4,8"}},
        {"perf:dev",
         "[OPTIONS] [DIR]",
         "start the dev services, time start-up and hot reload, sample CPU/memory, stop them",
         {"farm perf:dev                         # dev.services of farm.config.json, or pnpm run "
          "dev",
          "farm perf:dev --runs 3 --reloads 5",
          "farm perf:dev --browser               # also the reload as headless Chromium shows it"}},
        {"perf:report",
         "[OPTIONS]",
         "recent runs of each subject from the history, with the change against the previous",
         {"farm perf:report                      # every subject: latest, median, trend",
          "farm perf:report --compare            # the latest run against its baseline; exit 1 "
          "when slower",
          "farm perf:report --subject 'build:*' --since 7d",
          "farm perf:report --export report.html # also .json .csv .md .prom"}},
        {"perf:test",
         "[OPTIONS]",
         "run the performance suites of farm.config.json against their thresholds (CI gate)",
         {"farm perf:test                        # every suite; exit 1 when one fails",
          "farm perf:test --junit results.xml"}},
        {"optimize",
         "[--apply] [--since AGE|DATE] [--json]",
         "all advice in one prioritised list (pnpm settings shown, written only with --apply)",
         {"farm optimize", "farm optimize --since 7d --json"}},
        {"optimize:pnpm",
         "[OPTIONS] [DIR]",
         "rewrite pnpm's settings for faster installs, in the file the pnpm version reads",
         {"farm optimize:pnpm --dry-run         # the changes and why, as a diff",
          "farm optimize:pnpm --check           # CI: exit 1 when a setting would change"}},
        {"optimize:build",
         "[--since AGE|DATE] [--json]",
         "advice on builds and installs from the history: priority, evidence, action",
         {"farm optimize:build", "farm optimize:build --since 30d --json"}},
        {"optimize:ai",
         "[--since AGE|DATE] [--json]",
         "advice on AI providers and models from the history: priority, evidence, action",
         {"farm optimize:ai", "farm optimize:ai --since 7d --json"}},
        {"completion",
         "bash|zsh|fish|man",
         "print a shell completion script, or the manual page (man), for farm",
         {"farm completion bash > /etc/bash_completion.d/farm",
          "farm completion man > farm.1 && man ./farm.1"}},
    };
    return table;
}

const CommandInfo* find_command(const std::string& name) {
    for (const CommandInfo& c : command_table()) {
        if (name == c.name) {
            return &c;
        }
    }
    return nullptr;
}

const std::vector<ExitCodeInfo>& exit_code_table() {
    static const std::vector<ExitCodeInfo> table = {
        {int(ExitCode::ok), "ok"},
        {int(ExitCode::check_failed), "a check failed"},
        {int(ExitCode::usage), "usage or configuration error"},
        {int(ExitCode::command_failed), "the measured command failed"},
        {int(ExitCode::interrupted), "interrupted"},
    };
    return table;
}

Arguments normalise_arguments(int argc, const char* const* argv) {
    Arguments arguments;
    bool command_seen = false;
    for (int i = 1; i < argc; ++i) {
        std::string word = argv[i];
        if (word == "--") {
            arguments.has_trailing = true;
            arguments.trailing.assign(argv + i + 1, argv + argc);
            break;
        }
        // Only the command name is split: an option value may hold a colon (a URL, a path).
        if (!command_seen && !word.starts_with("-")) {
            command_seen = true;
            std::size_t colon = word.find(':');
            if (colon != std::string::npos && colon > 0 && colon + 1 < word.size()) {
                arguments.words.push_back(word.substr(0, colon));
                arguments.words.push_back(word.substr(colon + 1));
                continue;
            }
        }
        arguments.words.push_back(word);
    }
    return arguments;
}

std::string typed_command(const Arguments& arguments) {
    const std::vector<std::string>& w = arguments.words;
    auto first =
        std::find_if(w.begin(), w.end(), [](const std::string& s) { return !s.starts_with("-"); });
    if (first == w.end()) {
        return {};
    }
    std::string name = *first;
    auto second = first + 1;
    bool has_children =
        std::any_of(command_table().begin(), command_table().end(), [&](const CommandInfo& c) {
            return std::string(c.name).starts_with(name + ":");
        });
    if (has_children && second != w.end() && !second->starts_with("-")) {
        name += ":" + *second;
    }
    return name;
}

bool wants_top_level_help(const Arguments& arguments) {
    const std::vector<std::string>& w = arguments.words;
    return (w.empty() && !arguments.has_trailing) ||
           (w.size() == 1 && (w[0] == "-h" || w[0] == "--help" || w[0] == "help"));
}

std::string top_level_help() {
    std::string out = std::string("farm ") + farm::version +
                      " - performance measurements for pnpm + AI full-stack projects\n\n"
                      "Usage: farm COMMAND [OPTIONS]   (`farm perf:build` and `farm perf build` "
                      "are the same)\n\nCommands:\n";
    std::size_t width = 0;
    for (const CommandInfo& c : command_table()) {
        width = std::max(width, std::string(c.name).size());
    }
    for (const CommandInfo& c : command_table()) {
        std::string name = c.name;
        out += "  " + name + std::string(width - name.size() + 3, ' ') + c.summary + "\n";
    }
    out += "\nOptions:\n"
           "  -h, --help       this help; `farm COMMAND --help` for a command's options\n"
           "  --version        print farm's version\n\n"
           "History: .farm/perf.db in the project root; --db PATH or FARM_DB choose another.\n";
    std::string line = "Exit codes:";
    for (std::size_t i = 0; i < exit_code_table().size(); ++i) {
        const ExitCodeInfo& c = exit_code_table()[i];
        std::string item = std::to_string(c.code) + " " + c.meaning +
                           (i + 1 < exit_code_table().size() ? "," : ".");
        std::istringstream words(item);
        std::string word;
        while (words >> word) {
            if (line.size() + 1 + word.size() > 86) {
                out += line + "\n";
                line = word;
            } else {
                line += " " + word;
            }
        }
    }
    return out + line + "\n";
}

std::optional<std::string> unknown_command_message(const Arguments& arguments) {
    std::string typed = typed_command(arguments);
    if (typed.empty() || typed == "help") {
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const CommandInfo& c : command_table()) {
        names.emplace_back(c.name);
        if (typed == c.name) {
            return std::nullopt;
        }
        // A group name alone ("perf") is a command of its own only when listed.
    }
    std::string message = "unknown command '" + typed + "'";
    if (std::optional<std::string> close = core::closest_match(typed, names)) {
        message += ": did you mean " + *close + "?";
    } else {
        message += ".";
    }
    return message + " Run `farm --help` for the list of commands.";
}

void register_all_commands(CLI::App& app, Invocation& invocation) {
    app.formatter(help_formatter()); // before the commands: each takes its parent's formatter
    CLI::App* perf = app.add_subcommand("perf", "measure and report");
    perf->require_subcommand(0, 1);
    register_perf_dashboard(*perf, invocation);
    register_perf_build(*perf, invocation);
    register_perf_dev(*perf, invocation);
    register_perf_report(*perf, invocation);
    register_perf_ai(*perf, invocation);
    register_perf_benchmark(*perf, invocation);
    register_perf_test(*perf, invocation);
    CLI::App* optimize = app.add_subcommand("optimize", "optimisation advice and pnpm settings");
    optimize->require_subcommand(0, 1);
    register_optimize_pnpm(*optimize, invocation);
    register_optimize_build(*optimize, invocation);
    register_optimize_ai(*optimize, invocation);
    register_optimize_all(*optimize, invocation);
    register_completion(app, invocation);
}

} // namespace farm::commands
