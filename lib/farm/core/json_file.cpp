#include "farm/core/json_file.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"

#include <algorithm>
#include <cctype>

namespace farm::core {

TextPosition position_of(std::string_view text, std::size_t byte_offset) {
    TextPosition position;
    for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++position.column;
        }
    }
    return position;
}

namespace {

std::size_t token_start(std::string_view text, std::size_t end) {
    if (text.empty()) {
        return 0;
    }
    end = std::min(end, text.size() - 1);
    if (text[end] == '"') {
        for (std::size_t i = end; i > 0; --i) {
            if (text[i - 1] == '"' && (i < 2 || text[i - 2] != '\\')) {
                return i - 1;
            }
        }
        return end;
    }
    std::size_t start = end;
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(text[start - 1])) ||
                         std::string_view(".+-").find(text[start - 1]) != std::string_view::npos)) {
        --start;
    }
    return start;
}

} // namespace

nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view what) {
    return parse_json_text(path, read_input_file(path, what));
}

nlohmann::json parse_json_text(const std::filesystem::path& path, std::string_view text) {
    if (std::optional<std::size_t> offset = json_too_deep_at(text)) {
        TextPosition at = position_of(text, *offset);
        throw UsageError(path.string() + ":" + std::to_string(at.line) + ":" +
                         std::to_string(at.column) + ": " + json_too_deep_problem() +
                         " (farm reads at most " + std::to_string(max_json_depth) + ")");
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann gives the 1-based index of the last byte it read, the end of the token it
        // choked on: point at the start of that token, where an editor would put the cursor.
        std::string what = e.what();
        std::size_t offset = token_start(text, e.byte > 0 ? e.byte - 1 : 0);
        TextPosition at = position_of(text, offset);
        std::size_t colon = what.find("syntax error");
        throw UsageError(path.string() + ":" + std::to_string(at.line) + ":" +
                         std::to_string(at.column) + ": not valid JSON (" +
                         (colon == std::string::npos ? what : what.substr(colon)) + ")");
    } catch (const nlohmann::json::out_of_range& e) {
        // A number no double can hold ("1e999"): nlohmann names the token but not where it is.
        std::string what = e.what();
        std::size_t quote = what.find('\'');
        std::string token = quote == std::string::npos
                                ? std::string()
                                : what.substr(quote + 1, what.rfind('\'') - quote - 1);
        std::size_t offset = token.empty() ? std::string::npos : text.find(token);
        TextPosition at = position_of(text, offset == std::string::npos ? 0 : offset);
        throw UsageError(path.string() + ":" + std::to_string(at.line) + ":" +
                         std::to_string(at.column) + ": a number too large for a double (" +
                         (token.empty() ? what : token) + ")");
    }
}

} // namespace farm::core

namespace farm::core {

namespace {

// Walks valid JSON text without building values, to find where a value starts.
class JsonSkimmer {
  public:
    explicit JsonSkimmer(std::string_view text) : m_text(text) {}

    std::size_t at() const { return m_at; }
    void seek(std::size_t at) { m_at = at; }

    void skip_space() {
        while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at]))) {
            ++m_at;
        }
    }
    bool take(char c) {
        skip_space();
        if (m_at < m_text.size() && m_text[m_at] == c) {
            ++m_at;
            return true;
        }
        return false;
    }
    // A string token, decoded; nullopt when none starts here.
    std::optional<std::string> string() {
        skip_space();
        std::size_t start = m_at;
        if (m_at >= m_text.size() || m_text[m_at] != '"') {
            return std::nullopt;
        }
        ++m_at;
        while (m_at < m_text.size() && m_text[m_at] != '"') {
            m_at += m_text[m_at] == '\\' ? 2 : 1;
        }
        ++m_at;
        try {
            return nlohmann::json::parse(m_text.substr(start, m_at - start)).get<std::string>();
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;
        }
    }
    void skip_value() {
        skip_space();
        if (m_at >= m_text.size()) {
            return;
        }
        char c = m_text[m_at];
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            ++m_at;
            while (!take(close) && m_at < m_text.size()) {
                if (c == '{') {
                    string();
                    take(':');
                }
                skip_value();
                take(',');
            }
        } else {
            while (m_at < m_text.size() &&
                   std::string_view(",]} \t\r\n").find(m_text[m_at]) == std::string_view::npos) {
                ++m_at;
            }
        }
    }

  private:
    std::string_view m_text;
    std::size_t m_at = 0;
};

} // namespace

std::optional<std::size_t> json_value_offset(std::string_view text, std::string_view path) {
    JsonSkimmer skimmer(text);
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '.') {
            ++i;
        }
        if (i < path.size() && path[i] == '[') {
            std::size_t close = path.find(']', i);
            if (close == std::string_view::npos || !skimmer.take('[')) {
                return std::nullopt;
            }
            std::size_t wanted = std::stoul(std::string(path.substr(i + 1, close - i - 1)));
            for (std::size_t n = 0; n < wanted; ++n) {
                skimmer.skip_value();
                if (!skimmer.take(',')) {
                    return std::nullopt;
                }
            }
            i = close + 1;
            continue;
        }
        std::size_t end = path.find_first_of(".[", i);
        std::string key(path.substr(i, end == std::string_view::npos ? path.size() - i : end - i));
        i = end == std::string_view::npos ? path.size() : end;
        if (!skimmer.take('{')) {
            return std::nullopt;
        }
        // A key written twice: nlohmann keeps the last, so the whole object is read.
        std::optional<std::size_t> found;
        if (!skimmer.take('}')) {
            do {
                std::optional<std::string> name = skimmer.string();
                if (!name || !skimmer.take(':')) {
                    return std::nullopt;
                }
                if (*name == key) {
                    skimmer.skip_space();
                    found = skimmer.at();
                }
                skimmer.skip_value();
            } while (skimmer.take(','));
            if (!skimmer.take('}')) {
                return std::nullopt;
            }
        }
        if (!found) {
            return std::nullopt;
        }
        skimmer.seek(*found);
    }
    skimmer.skip_space();
    return skimmer.at();
}

} // namespace farm::core
