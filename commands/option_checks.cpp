#include "commands/option_checks.hpp"

#include "farm/core/text.hpp"

#include <charconv>
#include <optional>

namespace farm::commands {

namespace {

std::optional<std::size_t> whole_number(const std::string& text) {
    std::size_t value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::string grouped_digits(std::size_t value) {
    std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

CLI::Validator whole_number_check(std::size_t min, std::size_t max) {
    std::string range = grouped_digits(min) + " to " + grouped_digits(max);
    // CLI11 prefixes the option's name and a colon; the sentence reads on from there.
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            std::optional<std::size_t> value = whole_number(text);
            if (value && *value >= min && *value <= max) {
                return {};
            }
            return "takes a whole number from " + range + " (not '" + text + "')";
        },
        range, "whole number");
}

CLI::Validator number_check(double min, double max) {
    std::string range = core::number_text(min) + " to " + core::number_text(max);
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            std::optional<double> value = core::finite_number(text);
            if (value && *value >= min && *value <= max) {
                return {};
            }
            return "takes a number from " + range + " (not '" + text + "')";
        },
        range, "number");
}

CLI::Validator one_of_check(std::vector<std::string> words) {
    std::string listed = core::join(words, ", ");
    return CLI::Validator(
        [words, listed](std::string& text) -> std::string {
            for (const std::string& word : words) {
                if (text == word) {
                    return {};
                }
            }
            std::string message = "takes one of " + listed + " (not '" + text + "')";
            if (std::optional<std::string> close = core::closest_match(text, words)) {
                message += ": did you mean " + *close + "?";
            }
            return message;
        },
        "{" + core::join(words, ",") + "}", "one of");
}

} // namespace farm::commands
