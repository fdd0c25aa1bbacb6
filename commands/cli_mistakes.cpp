#include "commands/cli_mistakes.hpp"

#include "farm/core/text.hpp"

#include <algorithm>
#include <optional>

namespace farm::commands {

namespace {

// CLI11 keeps at most this many words for an option that takes a list; more means "as many as
// given", and a list option takes one word at a time on farm's command line.
constexpr int longest_fixed_value_list = 16;

const CLI::App* command_app(const CLI::App& root, const std::string& typed) {
    const CLI::App* app = &root;
    std::size_t start = 0;
    while (app != nullptr && start < typed.size()) {
        std::size_t colon = std::min(typed.find(':', start), typed.size());
        std::string part = typed.substr(start, colon - start);
        auto matches =
            app->get_subcommands([&](const CLI::App* sub) { return sub->get_name() == part; });
        app = matches.empty() ? nullptr : matches.front();
        start = colon + 1;
    }
    return app;
}

// The words typed after the command's name ("perf", "build").
std::vector<std::string> words_after_command(const Arguments& arguments, const std::string& typed) {
    std::size_t parts = std::count(typed.begin(), typed.end(), ':') + 1;
    std::vector<std::string> after;
    for (const std::string& word : arguments.words) {
        if (parts > 0 && !word.starts_with("-")) {
            --parts;
            continue;
        }
        if (parts == 0) {
            after.push_back(word);
        }
    }
    return after;
}

const CLI::Option* option_named(const CLI::App& app, const std::string& word) {
    std::string name = word.substr(0, word.find('='));
    if (const CLI::Option* option = app.get_option_no_throw(name)) {
        return option;
    }
    return nullptr;
}

// How many of the words that follow `word` are its value: 0 for a flag, for `--runs=3` and for
// `-r3`; the option's count otherwise.
std::size_t value_words(const CLI::App& app, const std::string& word) {
    if (word.find('=') != std::string::npos) {
        return 0;
    }
    const CLI::Option* option = option_named(app, word);
    if (option == nullptr && !word.starts_with("--") && word.size() > 2) {
        return 0; // "-r3": a short option with its value attached, or an unknown word
    }
    if (option == nullptr) {
        return 0;
    }
    int count = option->get_items_expected_max();
    return count > longest_fixed_value_list ? 1 : std::size_t(std::max(count, 0));
}

// The index of the first word that is neither an option nor an option's value.
std::optional<std::size_t> first_plain_word(const CLI::App& app,
                                            const std::vector<std::string>& words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i].starts_with("-") && words[i].size() > 1) {
            i += value_words(app, words[i]);
        } else {
            return i;
        }
    }
    return std::nullopt;
}

std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_lnames()) {
            names.push_back("--" + name);
        }
        for (const std::string& name : option->get_snames()) {
            names.push_back("-" + name);
        }
    }
    return names;
}

// The one option whose name begins with `name` and a dash ("--concurrency" ->
// "--concurrency-levels"): a word left out is a likelier mistake than a typo nearby.
std::optional<std::string> longer_option(const std::string& name,
                                         const std::vector<std::string>& names) {
    std::optional<std::string> found;
    for (const std::string& candidate : names) {
        if (candidate.starts_with(name + "-")) {
            if (found) {
                return std::nullopt; // several: the closest typo may still say more
            }
            found = candidate;
        }
    }
    return found;
}

std::string unknown_option(const CLI::App& app, const std::string& word) {
    std::string name = word.substr(0, word.find('='));
    std::string message = "unknown option " + name;
    std::vector<std::string> names = option_names(app);
    std::optional<std::string> close = longer_option(name, names);
    if (!close) {
        close = core::closest_match(name, names);
    }
    return close ? message + ": did you mean " + *close + "?" : message;
}

bool takes_a_command(const std::string& typed) {
    const CommandInfo* command = find_command(typed);
    return command != nullptr &&
           std::string(command->usage).find("-- COMMAND") != std::string::npos;
}

std::string explain_extras(const CLI::App& root, const Arguments& arguments) {
    std::string typed = typed_command(arguments);
    const CLI::App* app = command_app(root, typed);
    std::vector<std::string> extras = root.remaining(true);
    std::vector<std::string> words = words_after_command(arguments, typed);
    if (app == nullptr || extras.empty()) {
        return "unexpected arguments";
    }
    auto is_extra = [&](const std::string& w) {
        return std::find(extras.begin(), extras.end(), w) != extras.end();
    };
    std::optional<std::size_t> plain = first_plain_word(*app, words);
    if (takes_a_command(typed) && plain && !arguments.has_trailing &&
        std::any_of(words.begin() + std::ptrdiff_t(*plain) + 1, words.end(), is_extra)) {
        std::vector<std::string> options(words.begin(), words.begin() + std::ptrdiff_t(*plain));
        std::vector<std::string> command(words.begin() + std::ptrdiff_t(*plain), words.end());
        std::string suggestion = "farm " + typed;
        if (!options.empty()) {
            suggestion += " " + core::join_command_line(options);
        }
        suggestion += " -- " + core::join_command_line(command);
        return "`" + core::join_command_line(command) +
               "` is not farm's to read: a command to time goes after `--`; did you mean `" +
               suggestion + "`?";
    }
    std::vector<std::string> lines;
    bool after_unknown_option = false; // the word after `--runz` is its value, not a mistake
    for (const std::string& word : words) {
        bool option_like = word.starts_with("-") && word.size() > 1;
        if (is_extra(word) && option_like) {
            lines.push_back(unknown_option(*app, word));
        } else if (is_extra(word) && !after_unknown_option) {
            lines.push_back("unexpected argument '" + word + "'");
        }
        after_unknown_option = is_extra(word) && option_like && word.find('=') == std::string::npos;
    }
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    return core::join(lines, "; ");
}

// CLI11 writes "--runs: takes a whole number ..."; the sentence reads better without the colon.
std::string explain_validation(const std::string& message) {
    std::size_t colon = message.find(": takes ");
    if (message.starts_with("-") && colon != std::string::npos && message.find(' ') == colon + 1) {
        return message.substr(0, colon) + message.substr(colon + 1);
    }
    return message;
}

} // namespace

std::string explain_parse_error(const CLI::ParseError& error, const CLI::App& root,
                                const Arguments& arguments) {
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        return explain_extras(root, arguments);
    }
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
        return explain_validation(error.what());
    }
    return error.what();
}

} // namespace farm::commands
