// The lengths of a workload's prompts and answers, in tokens: one number, or a distribution each
// request draws its own length from (as `vllm bench serve --random-range-ratio` and AIPerf's
// `--synthetic-input-tokens-mean/-stddev` do).
//
//   256               every request: 256
//   uniform:128:512   uniformly from 128 to 512, both included
//   normal:256:64     a normal distribution of mean 256 and standard deviation 64, rounded
//
// Guarantees: a draw is a whole number within [min_length, max_length] (a normal draw is clamped
// there, so a wide deviation never gives 0 or a negative length); the same random engine state
// gives the same draw on every machine (the draws use the engine's raw output, not the standard
// library's distributions, whose algorithms differ between implementations).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace farm::ai {

inline constexpr int min_length = 1;
inline constexpr int max_length = 1000000;

struct LengthDistribution {
    enum class Kind { fixed, uniform, normal };
    Kind kind = Kind::fixed;
    double first = 0;  // fixed: the length; uniform: the lowest; normal: the mean
    double second = 0; // uniform: the highest; normal: the standard deviation

    // One length, drawn with `random`.
    int draw(std::mt19937_64& random) const;
    // The mean of the draws (before clamping): what a summary says the workload asked for.
    double mean() const;
};

// Parses "N", "uniform:LO:HI" or "normal:MEAN:SD". Throws farm::UsageError naming `option` and
// the accepted forms for anything else (a length outside [min_length, max_length], LO > HI, a
// negative deviation).
LengthDistribution parse_length_distribution(std::string_view text, std::string_view option);

// The text parse_length_distribution reads back: "256", "uniform:128:512", "normal:256:64".
std::string to_string(const LengthDistribution& lengths);

// A uniform double in [0, 1) from the engine's raw 53 bits (the same on every platform).
double unit_uniform(std::mt19937_64& random);

} // namespace farm::ai
