// The checks of command-line options that take a whole number or one word of a fixed list, with
// messages in words: "--runs takes a whole number from 1 to 1,000,000 (not 'abc')" instead of
// CLI11's "Value abc not in range 1 to 1099511627776", and the closest allowed word for a typo.
// Durations and rates have their own checks (time_options.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace farm::commands {

// A whole number (digits only: no sign, no decimals, no exponent) from `min` to `max`.
CLI::Validator whole_number_check(std::size_t min, std::size_t max);

// A finite number (decimals allowed) from `min` to `max`; CLI::Range lets "nan" through.
CLI::Validator number_check(double min, double max);

// One of `words`, exactly as written.
CLI::Validator one_of_check(std::vector<std::string> words);

// "1,000,000" for 1000000: large bounds read at a glance.
std::string grouped_digits(std::size_t value);

} // namespace farm::commands
