#include "farm/core/ansi_text.hpp"

#include <cstring>

namespace farm::core {

namespace {

constexpr char escape = '\x1b';

bool in_range(char c, int low, int high) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= low && byte <= high;
}

// The length of the escape sequence at `at` (text[at] is ESC); 0 when none starts there.
std::size_t sequence_length(std::string_view text, std::size_t at) {
    std::size_t next = at + 1;
    if (next >= text.size()) {
        return 0;
    }
    if (text[next] != '[') {
        bool two_byte = in_range(text[next], 0x40, 0x5a) || in_range(text[next], 0x5c, 0x5f);
        return two_byte ? 2 : 0;
    }
    // The three byte classes are disjoint, so reading each run whole is the only way to match.
    std::size_t end = next + 1;
    while (end < text.size() && in_range(text[end], 0x30, 0x3f)) {
        ++end;
    }
    while (end < text.size() && in_range(text[end], 0x20, 0x2f)) {
        ++end;
    }
    if (end < text.size() && in_range(text[end], 0x40, 0x7e)) {
        return end + 1 - at;
    }
    return 0;
}

} // namespace

std::string strip_ansi(std::string_view text) {
    std::string plain;
    plain.reserve(text.size());
    std::size_t from = 0;
    while (from < text.size()) {
        const void* found = std::memchr(text.data() + from, escape, text.size() - from);
        if (found == nullptr) {
            plain.append(text.substr(from));
            break;
        }
        std::size_t at = std::size_t(static_cast<const char*>(found) - text.data());
        plain.append(text.substr(from, at - from));
        std::size_t length = sequence_length(text, at);
        if (length == 0) {
            plain += escape;
            length = 1;
        }
        from = at + length;
    }
    return plain;
}

} // namespace farm::core
