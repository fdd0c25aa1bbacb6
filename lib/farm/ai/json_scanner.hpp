// A validating one-pass reader of JSON text for fast paths (openai_chunk.hpp): it walks the text
// without building a document, so that a caller can pick out a few members and skip the rest.
//
// Guarantees: every read returns false as soon as the text is not JSON as nlohmann reads it
// (RFC 8259 grammar; strings of well-formed UTF-8 without control characters; escapes, \u
// surrogate pairs), and also for what it leaves to nlohmann on purpose: a number with an
// exponent or longer than 100 characters (nlohmann refuses one no double can hold), a key with an
// escape in it, nesting deeper than max_depth. A false is "not sure", never a verdict on the
// text: the caller then parses it with nlohmann. Nothing throws; memory is only the caller's
// output strings. The scanner reads `text` in place: it must outlive the scanner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace farm::ai {

class JsonScanner {
  public:
    static constexpr int max_depth = 64;

    explicit JsonScanner(std::string_view text)
        : m_at(text.data()), m_end(text.data() + text.size()) {}

    // The next byte after whitespace, '\0' at the end of the text (not consumed). Defined here,
    // as take is: they run for every token of every streamed chunk.
    char peek() {
        while (m_at < m_end && is_space(*m_at)) {
            ++m_at;
        }
        return m_at < m_end ? *m_at : '\0';
    }
    // Consumes `c` after whitespace; false when the next byte is another.
    bool take(char c) {
        if (m_at < m_end && *m_at == c) { // the common case: no whitespace before it
            ++m_at;
            return true;
        }
        if (peek() == c && m_at < m_end) {
            ++m_at;
            return true;
        }
        return false;
    }
    // Only whitespace is left.
    bool at_end() { return peek() == '\0' && m_at == m_end; }

    // Skips one value of any kind, checking it; `depth` is the nesting of the value itself (the
    // top-level value is at depth 1).
    bool skip_value(int depth);
    // A string value: its content, unescaped, replaces `out`'s.
    bool read_string(std::string& out);
    // A value read as a text member: a string's content into `out`; a value of another kind is
    // skipped and `out` cleared (as ai::string_member reads it).
    bool read_text(std::string& out, int depth);
    // A value read as a count (ai::integer_member): a plain integer of at most 18 digits gives
    // its value; a value of another kind is skipped and gives nullopt; any other number (a
    // fraction, an exponent, a longer integer) returns false.
    bool read_count(std::optional<std::int64_t>& out, int depth);

    // Walks the object at `depth` (the next value must be one): `member(key)` is called for
    // each member with the key's bytes and must consume its value, returning false to give up.
    template <typename Member>
    bool read_object(int depth, Member&& member) {
        if (depth > max_depth || !take('{')) {
            return false;
        }
        if (take('}')) {
            return true;
        }
        while (true) {
            std::string_view key;
            if (!read_key(key) || !take(':') || !member(key)) {
                return false;
            }
            if (take('}')) {
                return true;
            }
            if (!take(',')) {
                return false;
            }
        }
    }

    // Walks the array at `depth`: `element(index)` must consume each element.
    template <typename Element>
    bool read_array(int depth, Element&& element) {
        if (depth > max_depth || !take('[')) {
            return false;
        }
        if (take(']')) {
            return true;
        }
        for (std::size_t index = 0;; ++index) {
            if (!element(index)) {
                return false;
            }
            if (take(']')) {
                return true;
            }
            if (!take(',')) {
                return false;
            }
        }
    }

  private:
    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    // Steps over bytes that need no look (printable ASCII other than `"` and `\`), stopping at
    // the first that does or at the end.
    void skip_plain_ascii();
    bool read_key(std::string_view& key);
    // The string at m_at (after its opening quote): validated, unescaped into `out` when given.
    bool scan_string(std::string* out);
    bool scan_escape(std::string* out);
    bool scan_utf8_sequence();
    bool scan_number(std::optional<std::int64_t>* count);
    bool scan_literal(std::string_view word);

    const char* m_at;
    const char* m_end;
};

} // namespace farm::ai
