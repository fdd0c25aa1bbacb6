// Small string helpers that several layers need: suggestions for typos, shell-style quoting of a
// command line for display, hashes and times as text. Redaction of secrets (redact.hpp) is
// included here for the many callers that take it from here.
#pragma once

#include "farm/core/redact.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::core {

// Edit distance with transpositions (optimal string alignment): insertions, deletions,
// substitutions and swaps of two neighbouring letters each cost 1, because a swap ("turob") is
// the commonest typo and would otherwise count as two.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo
// (distance at most a third of the word's length, and at least 1 allowed).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// The non-empty parts of `path` between '/' ("/blog//a/" -> blog, a).
std::vector<std::string> path_segments(std::string_view path);

// Whether `a` and `b` are the same text when ASCII letters are compared without case (HTTP header
// names, environment keys).
bool equals_ignoring_case(std::string_view a, std::string_view b);

// `text` without the spaces, tabs and line ends at either end.
std::string_view trim_blanks(std::string_view text);

// A line without the CR of its CR LF (the LF is cut off already); other lines as they are.
std::string_view without_trailing_cr(std::string_view line);

// "30 s", "0.25 s": a duration for a message, as number_text writes the number.
std::string seconds_text(double seconds);

// "a, b, c" for {"a", "b", "c"} with ", " as the separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Joins argv the way a user would type it in sh: words with special characters are quoted.
std::string join_command_line(const std::vector<std::string>& argv);

// A CSV field as RFC 4180 writes it: quoted (with quotes doubled) only when it holds a comma, a
// quote or a line break.
std::string csv_field(const std::string& text);

// FNV-1a 64-bit hash as 16 hex digits: a stable fingerprint of a file's content (a lockfile),
// the same on every machine and build.
std::string fnv1a64_hex(std::string_view data);

// "2026-11-23T05:45:28.123Z" for the current time, UTC, with milliseconds so that runs sort
// in the order they were taken.
std::string utc_now_iso8601();

// "30d", "12h", "90m", "45s", "2w" -> seconds; nullopt when malformed or older than
// core::max_age_s (100 years).
std::optional<double> parse_age(std::string_view text);

// The finite number at the start of `text`, read as std::from_chars reads it (no leading spaces
// or '+', the same in every locale); `rest` gets what follows. nullopt when there is none, or when
// it is "nan", "inf" or out of a double's range.
std::optional<double> leading_finite_number(std::string_view text, std::string_view& rest);

// Whether the whole of `text` is a number of type Number (as std::from_chars reads it: no spaces,
// no '+', no sign for an unsigned type), stored in `value`; false leaves `value` unspecified.
template <typename Number>
bool parse_number(std::string_view text, Number& value) {
    const char* end = text.data() + text.size();
    std::from_chars_result result = std::from_chars(text.data(), end, value);
    return result.ec == std::errc() && result.ptr == end;
}

// The whole of `text` as a finite number (nothing may follow it).
std::optional<double> finite_number(std::string_view text);

// A number for a message, with up to 10 significant digits and no trailing zeros: "0.5",
// "2592000", "3.858024691e-07".
std::string number_text(double value);

// The position of the first CR or LF in `text` at or after `from`, else text.size(). Two memchr
// scans (vectorised) rather than a test per byte, or find_first_of (one memchr per byte): the
// stream decoders look for line ends in every byte a server sends.
std::size_t find_line_break(std::string_view text, std::size_t from = 0);
// The position of the last CR or LF in `text`, else npos (memrchr from the end, the same way).
std::size_t find_last_line_break(std::string_view text);

// "1 run", "2 runs": a count and its noun, with the plural for every count but 1.
std::string count_of(std::size_t count, const std::string& singular,
                     const std::string& plural = "");

// The first `limit` bytes of `text` as one printable line: control characters and bytes of
// malformed UTF-8 become '?', and "..." marks a cut. Used to quote outside text (a server's
// answer, a file's field) in messages, however long or broken it is.
std::string excerpt(std::string_view text, std::size_t limit = 80);

// Where to cut `text` (longer than `limit`, limit >= 1) to at most `limit` bytes without splitting
// a UTF-8 character: lines end up in JSON exports, which refuse half a character.
std::size_t utf8_cut_point(std::string_view text, std::size_t limit);

// ISO 8601 UTC with milliseconds for a Unix time in seconds.
std::string utc_iso8601_from_unix(double seconds);

// Unix time in seconds of an ISO 8601 UTC time as farm writes it; nullopt when malformed.
std::optional<double> unix_from_utc_iso8601(std::string_view text);

} // namespace farm::core
