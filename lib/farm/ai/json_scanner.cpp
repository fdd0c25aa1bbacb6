// The grammar follows nlohmann's lexer rule for rule where the scanner answers at all: the same
// whitespace (space, tab, LF, CR), the same number syntax, the same UTF-8 byte ranges (Unicode's
// table of well-formed sequences: no overlong forms, no encoded surrogates, nothing past
// U+10FFFF), the same escapes. Where nlohmann would need a conversion (numbers with exponents,
// huge numbers) the scanner gives up instead of imitating it.
#include "farm/ai/json_scanner.hpp"

#include <array>

namespace farm::ai {

namespace {

constexpr std::size_t longest_number = 100; // characters; a double holds any such fraction
constexpr int longest_count_digits = 18;    // always fits an int64

// The bytes a string scan must look at: the quote, the backslash, control characters (invalid
// inside a string) and the bytes of multi-byte UTF-8 sequences (to be validated).
constexpr std::array<bool, 256> needs_look = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) {
        table[std::size_t(c)] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
    }
    return table;
}();

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out.push_back(char(code_point));
    } else if (code_point < 0x800) {
        out.push_back(char(0xC0 | (code_point >> 6)));
        out.push_back(char(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(char(0xE0 | (code_point >> 12)));
        out.push_back(char(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(char(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (code_point >> 18)));
        out.push_back(char(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(char(0x80 | (code_point & 0x3F)));
    }
}

} // namespace

bool JsonScanner::skip_value(int depth) {
    switch (peek()) {
    case '{':
        return read_object(depth, [&](std::string_view) { return skip_value(depth + 1); });
    case '[':
        return read_array(depth, [&](std::size_t) { return skip_value(depth + 1); });
    case '"':
        ++m_at;
        return scan_string(nullptr);
    case 't':
        return scan_literal("true");
    case 'f':
        return scan_literal("false");
    case 'n':
        return scan_literal("null");
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        return scan_number(nullptr);
    default:
        return false;
    }
}

bool JsonScanner::read_string(std::string& out) {
    out.clear();
    return take('"') && scan_string(&out);
}

bool JsonScanner::read_text(std::string& out, int depth) {
    if (peek() == '"') {
        return read_string(out);
    }
    out.clear();
    return skip_value(depth);
}

bool JsonScanner::read_count(std::optional<std::int64_t>& out, int depth) {
    char next = peek();
    if (next == '-' || is_digit(next)) {
        return scan_number(&out);
    }
    out.reset();
    return skip_value(depth);
}

void JsonScanner::skip_plain_ascii() {
    const char* at = m_at; // a local: the loop keeps it in a register
    while (at < m_end && !needs_look[static_cast<unsigned char>(*at)]) {
        ++at;
    }
    m_at = at;
}

bool JsonScanner::read_key(std::string_view& key) {
    if (!take('"')) {
        return false;
    }
    const char* start = m_at;
    while (m_at < m_end) {
        skip_plain_ascii();
        if (m_at == m_end) {
            break;
        }
        auto c = static_cast<unsigned char>(*m_at);
        if (c == '"') {
            key = std::string_view(start, std::size_t(m_at - start));
            ++m_at;
            return true;
        }
        if (c == '\\' || c < 0x20) {
            return false; // an escaped key is left to nlohmann; a control character is invalid
        }
        if (!scan_utf8_sequence()) { // the only bytes left that skip_plain_ascii stops at
            return false;
        }
    }
    return false;
}

bool JsonScanner::scan_string(std::string* out) {
    const char* run = m_at; // plain bytes not yet copied to out
    while (m_at < m_end) {
        skip_plain_ascii();
        if (m_at == m_end) {
            break;
        }
        auto c = static_cast<unsigned char>(*m_at);
        if (c == '"') {
            if (out != nullptr) {
                out->append(run, m_at);
            }
            ++m_at;
            return true;
        }
        if (c == '\\') {
            if (out != nullptr) {
                out->append(run, m_at);
            }
            ++m_at;
            if (!scan_escape(out)) {
                return false;
            }
            run = m_at;
        } else if (c < 0x20 || !scan_utf8_sequence()) { // UTF-8: the only bytes left to look at
            return false;
        }
    }
    return false;
}

bool JsonScanner::scan_escape(std::string* out) {
    if (m_at == m_end) {
        return false;
    }
    char c = *m_at++;
    char plain = '\0';
    switch (c) {
    case '"':
    case '\\':
    case '/':
        plain = c;
        break;
    case 'b':
        plain = '\b';
        break;
    case 'f':
        plain = '\f';
        break;
    case 'n':
        plain = '\n';
        break;
    case 'r':
        plain = '\r';
        break;
    case 't':
        plain = '\t';
        break;
    case 'u':
        break;
    default:
        return false;
    }
    if (c != 'u') {
        if (out != nullptr) {
            out->push_back(plain);
        }
        return true;
    }
    auto hex4 = [this](std::uint32_t& value) {
        if (m_end - m_at < 4) {
            return false;
        }
        value = 0;
        for (int i = 0; i < 4; ++i) {
            int digit = hex_value(*m_at++);
            if (digit < 0) {
                return false;
            }
            value = value * 16 + std::uint32_t(digit);
        }
        return true;
    };
    std::uint32_t code_point = 0;
    if (!hex4(code_point) || (code_point >= 0xDC00 && code_point <= 0xDFFF)) {
        return false; // a low surrogate must follow a high one
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
        std::uint32_t low = 0;
        if (m_end - m_at < 2 || m_at[0] != '\\' || m_at[1] != 'u') {
            return false;
        }
        m_at += 2;
        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
        }
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    if (out != nullptr) {
        append_utf8(*out, code_point);
    }
    return true;
}

bool JsonScanner::scan_utf8_sequence() {
    auto byte_in = [this](std::ptrdiff_t i, unsigned char low, unsigned char high) {
        if (m_end - m_at <= i) {
            return false;
        }
        auto c = static_cast<unsigned char>(m_at[i]);
        return c >= low && c <= high;
    };
    auto lead = static_cast<unsigned char>(*m_at);
    std::ptrdiff_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = byte_in(1, 0x80, 0xBF) ? 2 : 0;
    } else if (lead == 0xE0) {
        length = byte_in(1, 0xA0, 0xBF) && byte_in(2, 0x80, 0xBF) ? 3 : 0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
        length = byte_in(1, 0x80, 0xBF) && byte_in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xED) {
        length = byte_in(1, 0x80, 0x9F) && byte_in(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xF0) {
        length = byte_in(1, 0x90, 0xBF) && byte_in(2, 0x80, 0xBF) && byte_in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
        length = byte_in(1, 0x80, 0xBF) && byte_in(2, 0x80, 0xBF) && byte_in(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead == 0xF4) {
        length = byte_in(1, 0x80, 0x8F) && byte_in(2, 0x80, 0xBF) && byte_in(3, 0x80, 0xBF) ? 4 : 0;
    }
    m_at += length;
    return length > 0;
}

bool JsonScanner::scan_number(std::optional<std::int64_t>* count) {
    const char* start = m_at;
    bool negative = m_at < m_end && *m_at == '-';
    if (negative) {
        ++m_at;
    }
    if (m_at == m_end || !is_digit(*m_at)) {
        return false;
    }
    if (*m_at == '0') {
        ++m_at;
    } else {
        while (m_at < m_end && is_digit(*m_at)) {
            ++m_at;
        }
    }
    const char* digits_end = m_at;
    bool integer = true;
    if (m_at < m_end && *m_at == '.') {
        ++m_at;
        if (m_at == m_end || !is_digit(*m_at)) {
            return false;
        }
        while (m_at < m_end && is_digit(*m_at)) {
            ++m_at;
        }
        integer = false;
    }
    if ((m_at < m_end && (*m_at == 'e' || *m_at == 'E')) ||
        std::size_t(m_at - start) > longest_number) {
        return false; // nlohmann's conversion may fail (1e999): its call
    }
    if (count == nullptr) {
        return true;
    }
    const char* digits = start + (negative ? 1 : 0);
    if (!integer || digits_end - digits > longest_count_digits) {
        return false;
    }
    std::int64_t value = 0;
    for (const char* at = digits; at < digits_end; ++at) {
        value = value * 10 + (*at - '0');
    }
    *count = negative ? -value : value;
    return true;
}

bool JsonScanner::scan_literal(std::string_view word) {
    if (std::size_t(m_end - m_at) < word.size() || std::string_view(m_at, word.size()) != word) {
        return false;
    }
    m_at += word.size();
    return true;
}

} // namespace farm::ai
