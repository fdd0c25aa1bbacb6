#include "farm/measure/parameters.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace farm::measure {

namespace {

void check_name(const std::string& name) {
    bool ok = !name.empty();
    for (char c : name) {
        ok = ok && c != '{' && c != '}' && c != ',' && c != ' ';
    }
    if (!ok) {
        throw UsageError("the parameter name `" + name +
                         "` is not usable in {NAME}: give a non-empty name without braces, "
                         "commas or spaces");
    }
}

// The number of digits after the decimal point as written ("1.50" -> 2, "3" -> 0).
int decimals_of(std::string_view text) {
    std::size_t dot = text.find('.');
    return dot == std::string_view::npos ? 0 : int(text.size() - dot - 1);
}

double parse_number(std::string_view text, const std::string& what) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        throw UsageError(what + " `" + std::string(text) + "` is not a number");
    }
    return value;
}

std::int64_t parse_integer(std::string_view text, const std::string& what) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        throw UsageError(what + " `" + std::string(text) +
                         "` is not an integer (give --parameter-step-size for decimals)");
    }
    return value;
}

void check_count(double count, const std::string& name) {
    if (count > double(max_parameter_values)) {
        throw UsageError("the parameter " + name + " would take more than " +
                         std::to_string(max_parameter_values) + " values");
    }
}

Parameter integer_scan(std::string name, std::string_view min_text, std::string_view max_text) {
    std::int64_t min = parse_integer(min_text, "--parameter-scan " + name + ": MIN");
    std::int64_t max = parse_integer(max_text, "--parameter-scan " + name + ": MAX");
    if (max < min) {
        throw UsageError("--parameter-scan " + name + ": MAX is below MIN");
    }
    check_count(double(max) - double(min) + 1, name);
    Parameter parameter{std::move(name), {}};
    for (std::int64_t v = min; v <= max; ++v) {
        parameter.values.push_back(std::to_string(v));
    }
    return parameter;
}

} // namespace

Parameter parameter_scan(std::string name, std::string_view min_text, std::string_view max_text,
                         std::optional<std::string_view> step_text) {
    check_name(name);
    if (!step_text) {
        return integer_scan(std::move(name), min_text, max_text);
    }
    std::string where = "--parameter-scan " + name;
    double min = parse_number(min_text, where + ": MIN");
    double max = parse_number(max_text, where + ": MAX");
    double step = parse_number(*step_text, "--parameter-step-size");
    if (step <= 0) {
        throw UsageError("--parameter-step-size must be above 0");
    }
    if (max < min) {
        throw UsageError(where + ": MAX is below MIN");
    }
    int decimals =
        std::max({decimals_of(min_text), decimals_of(max_text), decimals_of(*step_text)});
    double scale = std::pow(10.0, decimals);
    // Counting whole steps (not adding the step up) keeps rounding errors from adding up, and a
    // tolerance of a millionth of a step keeps MAX itself when it is reached.
    double steps = std::floor((max - min) / step + 1e-6);
    check_count(steps + 1, name);
    Parameter parameter{std::move(name), {}};
    for (std::int64_t i = 0; i <= std::int64_t(steps); ++i) {
        double value = std::round((min + double(i) * step) * scale) / scale;
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        parameter.values.emplace_back(buffer);
    }
    return parameter;
}

Parameter parameter_list(std::string name, std::string_view comma_separated) {
    check_name(name);
    Parameter parameter{std::move(name), {}};
    std::size_t start = 0;
    while (true) {
        std::size_t comma = comma_separated.find(',', start);
        parameter.values.emplace_back(comma_separated.substr(start, comma - start));
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    if (comma_separated.empty()) {
        throw UsageError("--parameter-list " + parameter.name + ": the list of values is empty");
    }
    return parameter;
}

std::vector<ParameterBinding> parameter_combinations(const std::vector<Parameter>& parameters) {
    double total = 1;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (parameters[j].name == parameters[i].name) {
                throw UsageError("the parameter " + parameters[i].name + " is given twice");
            }
        }
        total *= double(parameters[i].values.size());
    }
    if (total > double(max_parameter_values)) {
        throw UsageError("the parameters make more than " + std::to_string(max_parameter_values) +
                         " combinations");
    }
    std::vector<ParameterBinding> combinations(1);
    for (const Parameter& parameter : parameters) {
        std::vector<ParameterBinding> next;
        next.reserve(combinations.size() * parameter.values.size());
        for (const ParameterBinding& prefix : combinations) {
            for (const std::string& value : parameter.values) {
                ParameterBinding binding = prefix;
                binding.emplace_back(parameter.name, value);
                next.push_back(std::move(binding));
            }
        }
        combinations = std::move(next);
    }
    return combinations;
}

std::string substitute_parameters(std::string_view text, const ParameterBinding& binding) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        bool replaced = false;
        if (text[i] == '{') {
            for (const auto& [name, value] : binding) {
                if (text.substr(i + 1).starts_with(name) && i + 1 + name.size() < text.size() &&
                    text[i + 1 + name.size()] == '}') {
                    out += value;
                    i += name.size() + 2;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) {
            out += text[i];
            ++i;
        }
    }
    return out;
}

} // namespace farm::measure
