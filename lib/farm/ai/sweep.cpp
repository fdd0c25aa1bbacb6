#include "farm/ai/sweep.hpp"

#include "farm/core/error.hpp"
#include "farm/core/limits.hpp"
#include "farm/core/text.hpp"

#include <algorithm>
#include <cmath>

namespace farm::ai {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace

std::vector<double> parse_levels(std::string_view text, std::string_view option, bool integers) {
    std::vector<double> levels;
    std::string what = integers ? "whole numbers of 1 or more"
                                : "rates between one in 30 days and 1000000 a second";
    for (std::string_view item : split(text, ',')) {
        item = trim_spaces(item);
        std::string_view rest;
        std::optional<double> value = core::leading_finite_number(item, rest);
        // A slower rate would wait longer than any duration farm takes (core/limits.hpp).
        bool ok =
            value && rest.empty() && *value > 0 && *value <= 1e6 &&
            (integers ? *value >= 1 && *value == std::floor(*value) : *value >= core::min_rate_hz);
        if (!ok) {
            throw UsageError(std::string(option) + ": '" + std::string(item) + "' is not one of " +
                             what + "; write a list like " + (integers ? "1,2,4,8" : "0.5,1,2,5"));
        }
        if (std::find(levels.begin(), levels.end(), *value) != levels.end()) {
            throw UsageError(std::string(option) + ": " + std::string(item) +
                             " is given twice; name each level once");
        }
        levels.push_back(*value);
    }
    // Swept and listed in the order of their load, whatever the order they were written in.
    std::sort(levels.begin(), levels.end());
    return levels;
}

Slo parse_slo(std::string_view text) {
    Slo slo;
    const char* how =
        "write --slo like ttft=500ms,tpot=50ms,e2e=5s (ttft, itl, tpot, e2e; ms or s)";
    for (std::string_view item : split(text, ',')) {
        item = trim_spaces(item);
        std::size_t equals = item.find('=');
        if (item.empty() || equals == std::string_view::npos) {
            throw UsageError("--slo: '" + std::string(item) + "' is not NAME=VALUE; " + how);
        }
        std::string_view name = trim_spaces(item.substr(0, equals));
        std::string_view value_text = trim_spaces(item.substr(equals + 1));
        std::string_view unit;
        std::optional<double> value = core::leading_finite_number(value_text, unit);
        unit = trim_spaces(unit);
        if (!value || *value <= 0 || (unit != "ms" && unit != "s")) {
            throw UsageError("--slo: '" + std::string(value_text) + "' in '" + std::string(item) +
                             "' is not a positive time with its unit (500ms, 5s); " + how);
        }
        double ms = unit == "s" ? *value * 1000 : *value;
        std::optional<double>* slot = name == "ttft"   ? &slo.ttft_ms
                                      : name == "itl"  ? &slo.itl_ms
                                      : name == "tpot" ? &slo.tpot_ms
                                      : name == "e2e"  ? &slo.e2e_ms
                                                       : nullptr;
        if (slot == nullptr) {
            throw UsageError("--slo: unknown metric '" + std::string(name) + "'; " + how);
        }
        if (*slot) {
            throw UsageError("--slo: " + std::string(name) + " is given twice");
        }
        *slot = ms;
    }
    return slo;
}

std::string to_string(const Slo& slo) {
    std::string out;
    auto add = [&out](const char* name, const std::optional<double>& ms) {
        if (ms) {
            out += (out.empty() ? "" : ", ") + std::string(name) + "<=" + core::number_text(*ms) +
                   "ms";
        }
    };
    add("ttft", slo.ttft_ms);
    add("itl", slo.itl_ms);
    add("tpot", slo.tpot_ms);
    add("e2e", slo.e2e_ms);
    return out;
}

bool meets_slo(const Slo& slo, const measure::IterationRecord& request) {
    if (request.exit_code != 0) {
        return false;
    }
    auto within = [&request](const char* metric, const std::optional<double>& ceiling) {
        if (!ceiling) {
            return true;
        }
        std::optional<double> value = request.metric(metric);
        return value && *value <= *ceiling;
    };
    return within("ttft_ms", slo.ttft_ms) && within("itl_ms", slo.itl_ms) &&
           within("tpot_ms", slo.tpot_ms) && within("e2e_ms", slo.e2e_ms);
}

std::size_t requests_meeting(const Slo& slo, const measure::RecordSpool& requests) {
    std::size_t n = 0;
    requests.for_each(
        [&](const measure::IterationRecord& request) { n += meets_slo(slo, request) ? 1 : 0; });
    return n;
}

std::optional<Knee> find_knee(const std::vector<SweepPoint>& points) {
    if (points.size() < 2) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < points.size(); ++i) {
        const SweepPoint& before = points[i - 1];
        const SweepPoint& now = points[i];
        bool more_throughput = now.throughput >= before.throughput * (1 + knee_min_throughput_gain);
        bool latency_held =
            now.median_latency_ms < before.median_latency_ms * (1 + knee_max_latency_gain);
        if (!(more_throughput && latency_held)) {
            return Knee{i - 1, false};
        }
    }
    return Knee{points.size() - 1, true};
}

} // namespace farm::ai
