// Parameters of a benchmark, as hyperfine's --parameter-scan and --parameter-list: each command
// (and hook, and name) is measured once per combination of values, with {NAME} replaced.
//
// A scan counts from MIN to MAX inclusive: by 1 over integers, or by --parameter-step-size, when
// decimals are allowed and printed with as many decimals as MIN, MAX and the step have (so 0.1
// steps print 0.1, 0.2, 0.3 and never 0.30000000000000004). Several parameters make the cartesian
// product, the first parameter varying slowest (as nested loops in the order given). A scan or
// product of more than max_parameter_values combinations is refused, not allocated.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace farm::measure {

struct Parameter {
    std::string name;
    std::vector<std::string> values;
};

// One combination: (name, value) in the order the parameters were given.
using ParameterBinding = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t max_parameter_values = 100'000;

// Throws farm::UsageError for a bad name, a bound or step that is not a number, a non-integer
// bound without a step, a step that is not positive, MAX below MIN, or too many values.
Parameter parameter_scan(std::string name, std::string_view min, std::string_view max,
                         std::optional<std::string_view> step);

// "a,b,c" -> {a, b, c}. Throws farm::UsageError for a bad name or an empty list.
Parameter parameter_list(std::string name, std::string_view comma_separated);

// Every combination; one empty binding when there are no parameters. Throws farm::UsageError
// for a name given twice or more than max_parameter_values combinations.
std::vector<ParameterBinding> parameter_combinations(const std::vector<Parameter>& parameters);

// `text` with each {NAME} of the binding replaced by its value, in one pass (a value that
// contains {OTHER} is not replaced again); other braces are kept as they are.
std::string substitute_parameters(std::string_view text, const ParameterBinding& binding);

} // namespace farm::measure
