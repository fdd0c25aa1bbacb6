// What the secret scanners of secret_patterns.hpp share: ASCII character classes, case-blind
// comparison, runs of characters, and the buffer a scanner writes its masked text to. Internal to
// core (secret_patterns.cpp and secret_patterns_query.cpp); every function reads each character
// it is given once.
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace farm::core::secret_scan {

inline constexpr std::string_view mask = "***";

inline char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

inline bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

inline bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

inline bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

inline bool is_word(char c) {
    return is_alnum(c) || c == '_';
}

inline bool is_option_char(char c) {
    return is_word(c) || c == '-';
}

inline bool is_quote(char c) {
    return c == '\'' || c == '"';
}

inline bool icase_at(std::string_view text, std::size_t at, std::string_view word) {
    if (at > text.size() || text.size() - at < word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (lower(text[at + i]) != word[i]) {
            return false;
        }
    }
    return true;
}

inline bool icase_equal(std::string_view text, std::string_view word) {
    return text.size() == word.size() && icase_at(text, 0, word);
}

inline bool icase_ends_with(std::string_view text, std::string_view word) {
    return text.size() >= word.size() && icase_at(text, text.size() - word.size(), word);
}

// The end of the run of characters from `at` that `belongs` accepts.
template <typename Predicate>
inline std::size_t run_end(std::string_view text, std::size_t at, Predicate belongs) {
    while (at < text.size() && belongs(text[at])) {
        ++at;
    }
    return at;
}

// A value as most patterns take it: [^\s'"]+.
inline std::size_t plain_value_end(std::string_view text, std::size_t at) {
    return run_end(text, at, [](char c) { return !is_space(c) && !is_quote(c); });
}

// The output of one pattern: the text, with the values it masked replaced.
class Masked {
  public:
    explicit Masked(std::string_view text) : m_text(text) { m_out.reserve(text.size()); }
    void value(std::size_t begin, std::size_t end) {
        m_out.append(m_text.substr(m_copied, begin - m_copied));
        m_out.append(mask);
        m_copied = end;
    }
    std::string finish() {
        m_out.append(m_text.substr(m_copied));
        return std::move(m_out);
    }

  private:
    std::string_view m_text;
    std::string m_out;
    std::size_t m_copied = 0;
};

// The scanners of URL query credentials and conninfo passwords (secret_patterns_query.cpp).
std::string mask_query_credentials(std::string_view text);
std::string mask_conninfo_passwords(std::string_view text);

} // namespace farm::core::secret_scan
