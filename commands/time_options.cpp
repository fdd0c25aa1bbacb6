#include "commands/time_options.hpp"

#include "farm/core/text.hpp"

#include <optional>
#include <string>

namespace farm::commands {

CLI::Validator seconds_check(ZeroIs zero, double min, double max) {
    std::string range = (zero == ZeroIs::allowed ? "0 (off), or " : "") +
                        std::string(min > 0 ? "at least " + core::number_text(min) : "above 0") +
                        " and at most " + core::number_text(max) +
                        (max == core::max_duration_s ? " (30 days)" : "");
    return CLI::Validator(
        [zero, min, max, range](std::string& text) -> std::string {
            std::optional<double> value = core::finite_number(text);
            bool ok = value && ((zero == ZeroIs::allowed && *value == 0) ||
                                (*value > 0 && *value >= min && *value <= max));
            return ok ? std::string() : "'" + text + "' is not a number of seconds " + range;
        },
        "SECONDS", "seconds");
}

CLI::Validator hertz_check(double max_hz, ZeroIs zero) {
    std::string range = (zero == ZeroIs::allowed ? "0 (off), or " : "") + std::string("between ") +
                        core::number_text(core::min_rate_hz) + " (once in 30 days) and " +
                        core::number_text(max_hz);
    return CLI::Validator(
        [zero, max_hz, range](std::string& text) -> std::string {
            std::optional<double> value = core::finite_number(text);
            bool ok = value && ((zero == ZeroIs::allowed && *value == 0) ||
                                (*value >= core::min_rate_hz && *value <= max_hz));
            return ok ? std::string() : "'" + text + "' is not a rate a second " + range;
        },
        "RATE", "rate");
}

} // namespace farm::commands
