// How a metric's per-iteration values are stored: a JSON array of numbers, printed with enough
// digits to read back the same doubles, so the history stays readable with the sqlite3 shell
// (json_each works on it) and exact.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace farm::history {

std::string encode_values(const std::vector<double>& values);
// Throws farm::DatabaseError for text that is not a JSON array of numbers.
std::vector<double> decode_values(std::string_view text);

} // namespace farm::history
