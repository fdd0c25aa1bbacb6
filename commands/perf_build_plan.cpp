// perf:build's commands mode, step one: the options become the commands to time and their plans.
#include "commands/cli.hpp"
#include "commands/perf_build_batch.hpp"
#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/exec/process.hpp"
#include "farm/measure/shell_words.hpp"
#include "farm/measure/stats.hpp"

#include <charconv>
#include <filesystem>

namespace farm::commands {

namespace {

namespace fs = std::filesystem;

// A command before parameter replacement: its words (or, with --shell, its line) and its name.
struct CommandTemplate {
    std::string typed;
    std::vector<std::string> argv; // after `--`: the words as given; with -c: split later
    bool from_trailing = false;
    std::string name;
    std::string prepare;
};

std::vector<int> exit_codes_of(const std::string& text) {
    std::vector<int> codes;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = std::min(text.find(',', start), text.size());
        std::string_view item(text.data() + start, comma - start);
        int code = 0;
        auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), code);
        if (item.empty() || error != std::errc() || end != item.data() + item.size() || code < 1 ||
            code > 255) {
            throw UsageError("--ignore-failure=" + text +
                             ": give exit codes from 1 to 255 separated by commas, e.g. 1,2");
        }
        codes.push_back(code);
        start = comma + 1;
    }
    return codes;
}

std::vector<CommandTemplate> templates_of(const PerfBuildOptions& o, const Invocation& invocation) {
    std::vector<CommandTemplate> templates;
    if (invocation.has_trailing) {
        if (!o.commands.empty()) {
            throw UsageError("give the commands with -c, or one command after `--`, not both");
        }
        if (invocation.trailing.empty()) {
            throw UsageError("give the command to time after `--`, for example: "
                             "farm perf:build --runs 10 -- pnpm run build");
        }
        templates.push_back(
            {core::join_command_line(invocation.trailing), invocation.trailing, true, "", ""});
    }
    for (const std::string& command : o.commands) {
        templates.push_back({command, {}, false, "", ""});
    }
    if (!o.names.empty() && o.names.size() != templates.size()) {
        throw UsageError("give one --name per command: " + std::to_string(o.names.size()) +
                         " names for " + std::to_string(templates.size()) + " commands");
    }
    if (o.prepare.size() > 1 && o.prepare.size() != templates.size()) {
        throw UsageError("give one --prepare for all commands or one per command: " +
                         std::to_string(o.prepare.size()) + " for " +
                         std::to_string(templates.size()) + " commands");
    }
    for (std::size_t i = 0; i < templates.size(); ++i) {
        templates[i].name = o.names.empty() ? "" : o.names[i];
        templates[i].prepare = o.prepare.empty() ? "" : o.prepare[o.prepare.size() > 1 ? i : 0];
    }
    return templates;
}

std::vector<measure::Parameter> parameters_of(const PerfBuildOptions& o) {
    std::vector<measure::Parameter> parameters;
    if (!o.parameter_scan.empty()) {
        std::optional<std::string_view> step;
        if (!o.parameter_step.empty()) {
            step = o.parameter_step;
        }
        parameters.push_back(measure::parameter_scan(o.parameter_scan[0], o.parameter_scan[1],
                                                     o.parameter_scan[2], step));
    } else if (!o.parameter_step.empty()) {
        throw UsageError("--parameter-step-size needs --parameter-scan");
    }
    for (const std::vector<std::string>& list : o.parameter_lists) {
        parameters.push_back(measure::parameter_list(list.at(0), list.at(1)));
    }
    return parameters;
}

std::optional<std::string> hook(const std::string& text, const measure::ParameterBinding& b) {
    if (text.empty()) {
        return std::nullopt;
    }
    return measure::substitute_parameters(text, b);
}

// --output null|pipe|inherit|FILE, null when not given; --show-output is inherit.
std::string output_mode(const PerfBuildOptions& o) {
    return o.show_output ? "inherit" : o.output.value_or("null");
}

// Where the commands write.
void set_output(const PerfBuildOptions& o, exec::SpawnOptions& command) {
    std::string mode = output_mode(o);
    if (mode == "null") {
        command.output = exec::OutputMode::null;
    } else if (mode == "pipe") {
        command.output = exec::OutputMode::capture;
    } else if (mode == "inherit") {
        command.output = exec::OutputMode::inherit;
    } else {
        fs::path folder = fs::absolute(mode).parent_path();
        if (mode.empty() || fs::is_directory(mode) || !fs::is_directory(folder)) {
            throw UsageError("--output " + mode +
                             ": give null, pipe, inherit or a file in an existing folder");
        }
        command.output = exec::OutputMode::file;
        command.output_file = fs::absolute(mode);
    }
    if (!o.input.empty()) {
        std::error_code error;
        if (!fs::is_regular_file(o.input, error) && !fs::is_character_file(o.input, error)) {
            throw UsageError("--input " + o.input + ": no such file");
        }
        command.input_file = fs::absolute(o.input);
    }
}

std::vector<std::string> substituted_words(const std::vector<std::string>& words,
                                           const measure::ParameterBinding& binding) {
    std::vector<std::string> out;
    for (const std::string& word : words) {
        out.push_back(measure::substitute_parameters(word, binding));
    }
    return out;
}

measure::RunPlan plan_for(const CommandTemplate& t, const measure::ParameterBinding& binding,
                          const measure::RunPlan& common, const std::string& shell) {
    measure::RunPlan plan = common;
    if (t.from_trailing) {
        plan.command.argv = substituted_words(t.argv, binding);
        if (!shell.empty()) {
            plan.command.argv = {shell, "-c", core::join(plan.command.argv, " ")};
        }
    } else {
        std::string line = measure::substitute_parameters(t.typed, binding);
        plan.command.argv = shell.empty() ? measure::split_shell_words(line)
                                          : std::vector<std::string>{shell, "-c", line};
        if (plan.command.argv.empty()) {
            throw UsageError("the command `" + t.typed + "` is empty");
        }
    }
    plan.setup = hook(common.setup.value_or(""), binding);
    plan.prepare = hook(t.prepare, binding);
    plan.conclude = hook(common.conclude.value_or(""), binding);
    plan.cleanup = hook(common.cleanup.value_or(""), binding);
    return plan;
}

} // namespace

double measure_shell_overhead(const std::string& shell, std::size_t runs) {
    exec::SpawnOptions options;
    options.argv = {shell, "-c", ""};
    options.output = exec::OutputMode::null;
    options.sample_hz = 0;
    std::vector<double> walls;
    for (std::size_t i = 0; i < runs; ++i) {
        exec::ProcessResult result = exec::run_process(options);
        if (result.interrupted) {
            break;
        }
        if (!result.succeeded()) {
            throw CommandError("the shell `" + shell + " -c ''` failed (" +
                               result.describe_failure() + "), so its start-up cannot be measured");
        }
        walls.push_back(result.wall_s);
    }
    return walls.empty() ? 0 : measure::median(walls);
}

CommandsPlan plan_commands(const PerfBuildOptions& o, const Invocation& invocation) {
    std::vector<CommandTemplate> templates = templates_of(o, invocation);
    std::vector<measure::ParameterBinding> bindings =
        measure::parameter_combinations(parameters_of(o));

    measure::RunPlan common = run_plan_from(o);
    set_output(o, common.command);
    common.hook_output =
        output_mode(o) == "inherit" ? exec::OutputMode::inherit : exec::OutputMode::null;
    if (!o.ignore_failure.empty() && o.ignore_failure != "all") {
        common.accepted_exit_codes = exit_codes_of(o.ignore_failure);
    }
    common.setup = o.setup.empty() ? std::nullopt : std::optional(o.setup);
    common.conclude = o.conclude.empty() ? std::nullopt : std::optional(o.conclude);
    common.cleanup = o.cleanup.empty() ? std::nullopt : std::optional(o.cleanup);

    CommandsPlan plan;
    plan.shell = o.shell;
    plan.batch.interleave = !o.no_interleave;
    plan.batch.seed = o.seed ? *o.seed : measure::random_seed();
    for (const CommandTemplate& t : templates) {
        for (const measure::ParameterBinding& binding : bindings) {
            TimedCommand command;
            command.typed = measure::substitute_parameters(t.typed, binding);
            measure::RunPlan run_plan = plan_for(t, binding, common, o.shell);
            command.shown = t.from_trailing ? core::join_command_line(core::redact_secrets(
                                                  substituted_words(t.argv, binding)))
                                            : core::redact_secrets(command.typed);
            command.subject =
                t.name.empty()
                    ? command.shown
                    : core::redact_secrets(measure::substitute_parameters(t.name, binding));
            command.parameters = binding;
            plan.batch.commands.push_back(std::move(run_plan));
            plan.commands.push_back(std::move(command));
        }
    }
    if (!o.reference.empty()) {
        for (std::size_t i = 0; i < plan.commands.size() && !plan.reference; ++i) {
            if (plan.commands[i].typed == o.reference || plan.commands[i].subject == o.reference) {
                plan.reference = i;
            }
        }
        if (!plan.reference) {
            throw UsageError("--reference `" + o.reference +
                             "` is none of the commands: give one as typed, or its --name");
        }
    }
    return plan;
}

} // namespace farm::commands
