#include "farm/history/values_codec.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace farm::history {

std::string encode_values(const std::vector<double>& values) {
    std::string text = "[";
    // At most 24 characters a value and its comma: one allocation, of which only what is
    // written is ever touched.
    text.reserve(2 + values.size() * 25);
    char buffer[32];
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            text += ',';
        }
        if (!std::isfinite(values[i])) {
            text += "null";
            continue;
        }
        // Shortest representation that reads back as the same double.
        std::to_chars_result r = std::to_chars(buffer, buffer + sizeof buffer, values[i]);
        text.append(buffer, r.ptr);
    }
    text += ']';
    return text;
}

std::vector<double> decode_values(std::string_view text) {
    auto fail = [&](std::size_t at) -> std::vector<double> {
        throw DatabaseError("a metric's values in the history database are damaged at byte " +
                            std::to_string(at) + " of '" + std::string(text.substr(0, 80)) + "'");
    };
    std::vector<double> values;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < text.size() &&
               (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) {
            ++i;
        }
    };
    // At the closing bracket. Text after the array means the column holds something else than
    // what farm wrote.
    auto close_array = [&] {
        ++i;
        skip_space();
        if (i < text.size()) {
            return fail(i);
        }
        return std::move(values);
    };
    skip_space();
    if (i >= text.size() || text[i] != '[') {
        return fail(i);
    }
    ++i;
    skip_space();
    if (i < text.size() && text[i] == ']') {
        return close_array();
    }
    while (i < text.size()) {
        skip_space();
        if (text.substr(i, 4) == "null") {
            values.push_back(std::numeric_limits<double>::quiet_NaN());
            i += 4;
            skip_space();
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < text.size() && text[i] == ']') {
                return close_array();
            }
            return fail(i);
        }
        // from_chars also reads "nan", "inf" and "infinity", which are not JSON: json_each
        // would reject the column, and farm never writes them (encode_values writes null).
        std::size_t digit = i < text.size() && text[i] == '-' ? i + 1 : i;
        if (digit >= text.size() || text[digit] < '0' || text[digit] > '9') {
            return fail(i);
        }
        double v = 0;
        std::from_chars_result r = std::from_chars(text.data() + i, text.data() + text.size(), v);
        if (r.ec != std::errc()) {
            return fail(i);
        }
        values.push_back(v);
        i = std::size_t(r.ptr - text.data());
        skip_space();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (i < text.size() && text[i] == ']') {
            return close_array();
        }
        return fail(i);
    }
    return fail(i);
}

std::string parameters_json(const ParameterList& parameters) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, value] : parameters) {
        list.push_back({name, value});
    }
    return list.dump();
}

ParameterList parameters_from_json(std::string_view text) {
    nlohmann::json list = core::parse_json_or_discarded(text); // a crafted database's text
    ParameterList parameters;
    bool valid = list.is_array();
    for (std::size_t i = 0; valid && i < list.size(); ++i) {
        const nlohmann::json& pair = list[i];
        valid = pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string();
        if (valid) {
            parameters.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
    }
    if (!valid) {
        throw DatabaseError("damaged parameter list in the history database: " +
                            std::string(text.substr(0, 80)));
    }
    return parameters;
}

} // namespace farm::history
