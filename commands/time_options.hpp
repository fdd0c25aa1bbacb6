// The checks of every command-line option that is a duration (--timeout, --duration,
// --time-budget, ...) or a rate whose period is one (--sample-hz, --rate): one place, so that
// every such option takes the same documented bounds (core/limits.hpp, README.md "Limits").
//
// CLI11's own checks let through what these refuse: PositiveNumber and Range accept "nan" (a
// comparison with NaN is false), and a huge number ("1e300") that would overflow when converted
// to std::chrono or to integer milliseconds.
#pragma once

#include "farm/core/limits.hpp"

#include <CLI/CLI.hpp>

namespace farm::commands {

enum class ZeroIs { refused, allowed }; // allowed: 0 turns the thing off

// A finite number of seconds, at least `min` and above 0 (or exactly 0 when allowed), at most
// `max`: core::max_duration_s (30 days) unless the option documents a tighter bound.
CLI::Validator seconds_check(ZeroIs zero = ZeroIs::refused, double min = 0,
                             double max = core::max_duration_s);

// A finite rate a second, at most `max_hz`, and at least core::min_rate_hz (one event in 30
// days; or exactly 0 when allowed).
CLI::Validator hertz_check(double max_hz, ZeroIs zero = ZeroIs::refused);

} // namespace farm::commands
