#include "farm/core/text.hpp"

#include "farm/core/limits.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace farm::core {

std::optional<double> leading_finite_number(std::string_view text, std::string_view& rest) {
    double value = 0;
    std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec != std::errc() || !std::isfinite(value)) {
        return std::nullopt;
    }
    rest = text.substr(std::size_t(r.ptr - text.data()));
    return value;
}

std::optional<double> finite_number(std::string_view text) {
    std::string_view rest;
    std::optional<double> value = leading_finite_number(text, rest);
    return value && rest.empty() ? value : std::nullopt;
}

std::string number_text(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the distance matrix: the transposition looks two rows back.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({previous[j] + 1, row[j - 1] + 1, substitution});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                row[j] = std::min(row[j], before[j - 2] + 1);
            }
        }
        before.swap(previous);
        previous.swap(row);
    }
    return previous[b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
    for (const std::string& candidate : candidates) {
        std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

namespace {

bool needs_quotes(std::string_view word) {
    if (word.empty()) {
        return true;
    }
    return std::any_of(word.begin(), word.end(), [](unsigned char c) {
        return !(std::isalnum(c) ||
                 std::string_view("-_./:=@%+,").find(char(c)) != std::string_view::npos);
    });
}

} // namespace

std::vector<std::string> path_segments(std::string_view path) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : path) {
        if (c == '/') {
            if (!part.empty()) {
                parts.push_back(part);
            }
            part.clear();
        } else {
            part += c;
        }
    }
    if (!part.empty()) {
        parts.push_back(part);
    }
    return parts;
}

std::string_view without_trailing_cr(std::string_view line) {
    return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
}

std::string_view trim_blanks(std::string_view text) {
    const char* blanks = " \t\r\n";
    std::size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string seconds_text(double seconds) {
    return number_text(seconds) + " s";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += parts[i];
    }
    return out;
}

std::string join_command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& word : argv) {
        if (!line.empty()) {
            line += ' ';
        }
        if (!needs_quotes(word)) {
            line += word;
            continue;
        }
        line += '\'';
        for (char c : word) {
            if (c == '\'') {
                line += "'\\''";
            } else {
                line += c;
            }
        }
        line += '\'';
    }
    return line;
}

std::size_t find_line_break(std::string_view text, std::size_t from) {
    if (from >= text.size()) {
        return text.size();
    }
    const char* start = text.data() + from;
    std::size_t length = text.size() - from;
    const void* lf = std::memchr(start, '\n', length);
    std::size_t before_lf = lf ? std::size_t(static_cast<const char*>(lf) - start) : length;
    // A CR can only come first before the LF: search no further.
    const void* cr = std::memchr(start, '\r', before_lf);
    std::size_t end = cr ? std::size_t(static_cast<const char*>(cr) - start) : before_lf;
    return from + end;
}

std::size_t find_last_line_break(std::string_view text) {
    if (text.empty()) {
        return std::string_view::npos; // memrchr must not see a null pointer
    }
    const void* lf = memrchr(text.data(), '\n', text.size());
    std::size_t after_lf = lf ? std::size_t(static_cast<const char*>(lf) - text.data()) + 1 : 0;
    // A CR after the last LF is the last break; none there, the LF is.
    const void* cr = memrchr(text.data() + after_lf, '\r', text.size() - after_lf);
    if (cr) {
        return std::size_t(static_cast<const char*>(cr) - text.data());
    }
    return lf ? after_lf - 1 : std::string_view::npos;
}

std::string fnv1a64_hex(std::string_view data) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : data) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
    return buffer;
}

std::string utc_now_iso8601() {
    auto now = std::chrono::system_clock::now();
    return utc_iso8601_from_unix(
        double(
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()) /
        1000.0);
}

std::string utc_iso8601_from_unix(double unix_seconds) {
    long long total_millis = static_cast<long long>(std::floor(unix_seconds * 1000.0 + 0.5));
    std::time_t seconds = std::time_t(total_millis / 1000);
    long long millis = total_millis % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[40];
    std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buffer + n, sizeof buffer - n, ".%03lldZ", millis);
    return buffer;
}

std::optional<double> unix_from_utc_iso8601(std::string_view text) {
    std::tm utc{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    double second = 0;
    std::string copy(text);
    if (std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%lf", &year, &month, &day, &hour, &minute,
                    &second) != 6) {
        return std::nullopt;
    }
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = 0;
    return double(timegm(&utc)) + second;
}

std::optional<double> parse_age(std::string_view text) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    double unit = 0;
    switch (text.back()) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return std::nullopt;
    }
    std::string number(text.substr(0, text.size() - 1));
    if (number.find_first_not_of("0123456789.") != std::string::npos) {
        return std::nullopt;
    }
    try {
        double seconds = std::stod(number) * unit;
        // Past this, "now minus the age" leaves the years a time_t and the text can hold.
        return seconds <= max_age_s ? std::optional<double>(seconds) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::size_t utf8_cut_point(std::string_view text, std::size_t limit) {
    std::size_t cut = limit;
    // At most three continuation bytes back: a character is at most four bytes.
    while (cut > limit - std::min<std::size_t>(limit - 1, 3) &&
           (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return cut;
}

namespace {

// The length of the UTF-8 character `text` starts with; 0 when it starts with none.
std::size_t utf8_sequence_length(std::string_view text) {
    unsigned char lead = static_cast<unsigned char>(text[0]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || length > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

} // namespace

std::string excerpt(std::string_view text, std::size_t limit) {
    std::string result;
    std::size_t i = 0;
    while (i < text.size() && i < limit) {
        std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) {
            result.push_back('?');
            ++i;
            continue;
        }
        unsigned char c = static_cast<unsigned char>(text[i]);
        bool control = length == 1 && (c < 0x20 || c == 0x7F);
        result.append(control ? std::string_view("?") : text.substr(i, length));
        i += length;
    }
    if (i < text.size()) {
        result.append("...");
    }
    return result;
}

std::string count_of(std::size_t count, const std::string& singular, const std::string& plural) {
    return std::to_string(count) + " " +
           (count == 1       ? singular
            : plural.empty() ? singular + "s"
                             : plural);
}

} // namespace farm::core
