#include "farm/core/json_locate.hpp"

#include <cctype>

namespace farm::core {

namespace {

// A forward walk over valid JSON text. Each function starts at the first byte of its token (no
// leading white space) and returns the offset just past it.
class Walker {
  public:
    explicit Walker(std::string_view text) : m_text(text) {}

    std::size_t skip_space(std::size_t i) const {
        while (i < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[i]))) {
            ++i;
        }
        return i;
    }

    // Past the closing quote; `out` gets the raw characters (escapes as written) when given.
    std::size_t skip_string(std::size_t i, std::string* out = nullptr) const {
        ++i; // the opening quote
        while (i < m_text.size() && m_text[i] != '"') {
            if (m_text[i] == '\\' && i + 1 < m_text.size()) {
                if (out) {
                    out->push_back(m_text[i]);
                }
                ++i;
            }
            if (out) {
                out->push_back(m_text[i]);
            }
            ++i;
        }
        return i + 1;
    }

    std::size_t skip_value(std::size_t i) const {
        if (i >= m_text.size()) {
            return i;
        }
        char c = m_text[i];
        if (c == '"') {
            return skip_string(i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < m_text.size()) {
                char d = m_text[i];
                if (d == '"') {
                    i = skip_string(i);
                    continue;
                }
                depth += (d == '{' || d == '[') ? 1 : (d == '}' || d == ']') ? -1 : 0;
                ++i;
                if (depth == 0) {
                    return i;
                }
            }
            return i;
        }
        while (i < m_text.size() &&
               std::string_view(",]} \t\r\n").find(m_text[i]) == std::string_view::npos) {
            ++i;
        }
        return i;
    }

    // The value of `key` in the object starting at `i`.
    std::optional<std::size_t> member(std::size_t i, const std::string& key) const {
        if (i >= m_text.size() || m_text[i] != '{') {
            return std::nullopt;
        }
        std::optional<std::size_t> found;
        i = skip_space(i + 1);
        while (i < m_text.size() && m_text[i] == '"') {
            std::string name;
            i = skip_space(skip_string(i, &name));
            i = skip_space(i + 1); // the colon
            if (name == key || unescaped_equals(name, key)) {
                found = i;
            }
            i = skip_space(skip_value(i));
            if (i < m_text.size() && m_text[i] == ',') {
                i = skip_space(i + 1);
            }
        }
        return found;
    }

    std::optional<std::size_t> element(std::size_t i, std::size_t index) const {
        if (i >= m_text.size() || m_text[i] != '[') {
            return std::nullopt;
        }
        i = skip_space(i + 1);
        for (std::size_t k = 0; i < m_text.size() && m_text[i] != ']'; ++k) {
            if (k == index) {
                return i;
            }
            i = skip_space(skip_value(i));
            if (i < m_text.size() && m_text[i] == ',') {
                i = skip_space(i + 1);
            }
        }
        return std::nullopt;
    }

  private:
    // Keys with escapes are rare in config files; the common escapes are enough here.
    static bool unescaped_equals(const std::string& raw, const std::string& key) {
        std::string plain;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size()) {
                ++i;
                char c = raw[i];
                plain.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
            } else {
                plain.push_back(raw[i]);
            }
        }
        return plain == key;
    }

    std::string_view m_text;
};

} // namespace

std::optional<std::size_t> locate_json_value(std::string_view text,
                                             const std::vector<JsonStep>& path) {
    Walker walker(text);
    std::size_t at = walker.skip_space(0);
    if (at < text.size() && text.substr(at, 3) == "\xEF\xBB\xBF") {
        at = walker.skip_space(at + 3);
    }
    for (const JsonStep& step : path) {
        std::optional<std::size_t> next = std::holds_alternative<std::string>(step)
                                              ? walker.member(at, std::get<std::string>(step))
                                              : walker.element(at, std::get<std::size_t>(step));
        if (!next) {
            return std::nullopt;
        }
        at = *next;
    }
    return at < text.size() ? std::optional(at) : std::nullopt;
}

std::vector<JsonStep> parse_json_path(const std::string& dotted) {
    std::vector<JsonStep> path;
    std::string name;
    std::size_t i = 0;
    auto flush = [&] {
        if (!name.empty()) {
            path.emplace_back(name);
            name.clear();
        }
    };
    while (i < dotted.size()) {
        char c = dotted[i];
        if (c == '.') {
            flush();
            ++i;
        } else if (c == '[') {
            flush();
            std::size_t close = dotted.find(']', i);
            if (close == std::string::npos) {
                break;
            }
            std::string digits = dotted.substr(i + 1, close - i - 1);
            bool numeric = !digits.empty();
            for (char d : digits) {
                numeric = numeric && std::isdigit(static_cast<unsigned char>(d));
            }
            if (numeric) {
                path.emplace_back(std::size_t(std::stoull(digits)));
            } else {
                path.emplace_back(digits);
            }
            i = close + 1;
        } else {
            name.push_back(c);
            ++i;
        }
    }
    flush();
    return path;
}

} // namespace farm::core
