// The bounds farm puts on what it is given, declared once so that every reader and every option
// uses the same number. README.md ("Limits") and docs/config.md document them.
//
// Each bound is far past any real use and far below what would overflow or exhaust something:
// a duration is converted to std::chrono and to integer milliseconds (30 days is 2.6e9 ms, and
// a double that large converts exactly), an input file is read whole into memory, and nested
// JSON is built by recursion in places (copies, dumps, the config reader's walks).
#pragma once

#include <cstddef>
#include <cstdint>

namespace farm::core {

// The longest duration any option or config key may give, in seconds: 30 days.
inline constexpr double max_duration_s = 30.0 * 24 * 3600; // 2,592,000 s

// The slowest rate (requests a second, samples a second) any option takes: one per 30 days, so
// that the period between two events is itself a bounded duration.
inline constexpr double min_rate_hz = 1.0 / max_duration_s;

// The oldest age --since and --older-than take ("36500d"): 100 years, in seconds.
inline constexpr double max_age_s = 100.0 * 365.25 * 24 * 3600;

// The largest file farm reads as input (farm.config.json, package.json, a prompts file, a
// hyperfine export to import, pnpm-workspace.yaml, .npmrc): 64 MiB.
inline constexpr std::uintmax_t max_input_file_bytes = std::uintmax_t(64) << 20;

// The most timed runs (and warm-up runs) of one command that an option or the config asks for:
// a million runs of the fastest command take minutes, and every run's figures are kept in memory.
inline constexpr std::size_t max_runs = 1000000;

// The deepest nesting of JSON arrays and objects farm accepts, from files and from servers.
inline constexpr std::size_t max_json_depth = 512;

} // namespace farm::core
