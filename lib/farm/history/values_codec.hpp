// How a metric's per-iteration values are stored: a JSON array with one entry per iteration,
// numbers printed with enough digits to read back the same doubles, and null where the iteration
// did not measure the metric (schema 3 and later). It stays readable with the sqlite3 shell
// (json_each works on it) and exact.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace farm::history {

// A non-finite value (NaN: not measured) is written as null.
std::string encode_values(const std::vector<double>& values);
// null reads back as NaN. Throws farm::DatabaseError for text that is not a JSON array of
// numbers and nulls.
std::vector<double> decode_values(std::string_view text);

// A run's {NAME} values as stored in runs.parameters: [["NAME", "VALUE"], ...] in the order the
// parameters were given (an object would lose it). decode throws farm::DatabaseError for text of
// another shape.
using ParameterList = std::vector<std::pair<std::string, std::string>>;
std::string parameters_json(const ParameterList& parameters);
ParameterList parameters_from_json(std::string_view text);

} // namespace farm::history
