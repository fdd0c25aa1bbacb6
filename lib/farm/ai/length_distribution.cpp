#include "farm/ai/length_distribution.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

namespace farm::ai {

namespace {

constexpr const char* accepted_forms =
    "a length (256), uniform:LO:HI (uniform:128:512) or normal:MEAN:SD (normal:256:64)";

[[noreturn]] void refuse(std::string_view option, std::string_view text, const std::string& why) {
    throw UsageError(std::string(option) + ": '" + std::string(text) + "' " + why + "; give " +
                     accepted_forms);
}

std::vector<std::string_view> split_colons(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t colon = text.find(':', start);
        parts.push_back(text.substr(start, colon - start));
        if (colon == std::string_view::npos) {
            return parts;
        }
        start = colon + 1;
    }
}

// A decimal number, all of `text`; nullopt for anything else.
std::optional<double> number(std::string_view text) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

double length_value(std::string_view option, std::string_view text, std::string_view part,
                    const char* what) {
    std::optional<double> value = number(part);
    if (!value) {
        refuse(option, text, std::string("has no number for its ") + what);
    }
    if (*value < min_length || *value > max_length) {
        refuse(option, text,
               std::string("has a ") + what + " outside " + std::to_string(min_length) + ".." +
                   std::to_string(max_length));
    }
    return *value;
}

int clamp_length(double value) {
    return int(std::clamp(std::round(value), double(min_length), double(max_length)));
}

// A standard normal draw by Box-Muller from two raw uniform draws: the same on every platform.
double standard_normal(std::mt19937_64& random) {
    double u1 = 1.0 - unit_uniform(random); // (0, 1]: log(u1) is finite
    double u2 = unit_uniform(random);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

} // namespace

double unit_uniform(std::mt19937_64& random) {
    return double(random() >> 11) * (1.0 / 9007199254740992.0); // 2^53
}

int LengthDistribution::draw(std::mt19937_64& random) const {
    switch (kind) {
    case Kind::fixed:
        return clamp_length(first);
    case Kind::uniform: {
        auto low = std::uint64_t(first);
        auto span = std::uint64_t(second) - low + 1;
        return int(low + std::uint64_t(unit_uniform(random) * double(span)));
    }
    case Kind::normal:
        return clamp_length(first + second * standard_normal(random));
    }
    return min_length;
}

double LengthDistribution::mean() const {
    return kind == Kind::uniform ? (first + second) / 2 : first;
}

LengthDistribution parse_length_distribution(std::string_view text, std::string_view option) {
    std::vector<std::string_view> parts = split_colons(text);
    LengthDistribution lengths;
    if (parts.size() == 1) {
        lengths.first = length_value(option, text, parts[0], "length");
        if (lengths.first != std::floor(lengths.first)) {
            refuse(option, text, "is not a whole number of tokens");
        }
        return lengths;
    }
    if (parts.size() != 3 || (parts[0] != "uniform" && parts[0] != "normal")) {
        refuse(option, text, "is not a length or a distribution");
    }
    if (parts[0] == "uniform") {
        lengths.kind = LengthDistribution::Kind::uniform;
        lengths.first = std::floor(length_value(option, text, parts[1], "lowest length"));
        lengths.second = std::floor(length_value(option, text, parts[2], "highest length"));
        if (lengths.first > lengths.second) {
            refuse(option, text, "has its lowest length above its highest");
        }
        return lengths;
    }
    lengths.kind = LengthDistribution::Kind::normal;
    lengths.first = length_value(option, text, parts[1], "mean");
    std::optional<double> deviation = number(parts[2]);
    if (!deviation || *deviation < 0 || *deviation > max_length) {
        refuse(option, text, "needs a standard deviation from 0 to " + std::to_string(max_length));
    }
    lengths.second = *deviation;
    return lengths;
}

std::string to_string(const LengthDistribution& lengths) {
    auto text = [](double value) {
        char buffer[32];
        auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
        return error == std::errc() ? std::string(buffer, end) : std::string("?");
    };
    switch (lengths.kind) {
    case LengthDistribution::Kind::fixed:
        return text(lengths.first);
    case LengthDistribution::Kind::uniform:
        return "uniform:" + text(lengths.first) + ":" + text(lengths.second);
    case LengthDistribution::Kind::normal:
        return "normal:" + text(lengths.first) + ":" + text(lengths.second);
    }
    return "?";
}

} // namespace farm::ai
