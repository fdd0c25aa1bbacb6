#include "farm/core/json_file.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw UsageError("cannot read " + path.string() + ": " + std::strerror(errno));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
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

nlohmann::json read_json_file(const std::filesystem::path& path) {
    std::string text = read_text_file(path);
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
    }
}

} // namespace farm::core
