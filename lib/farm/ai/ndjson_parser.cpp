#include "farm/ai/ndjson_parser.hpp"

#include "farm/ai/server_json.hpp"
#include "farm/core/json_depth.hpp"

namespace farm::ai {

namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Length of the valid UTF-8 sequence at the start of `text`, 0 when there is none.
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

void NdjsonParser::feed(std::string_view bytes, std::vector<NdjsonLine>& out) {
    while (!bytes.empty()) {
        std::size_t newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            m_line.append(bytes);
            m_offset += bytes.size();
            return;
        }
        m_line.append(bytes.substr(0, newline));
        m_offset += newline + 1;
        take_line(out);
        m_line_offset = m_offset;
        bytes.remove_prefix(newline + 1);
    }
}

void NdjsonParser::finish(std::vector<NdjsonLine>& out) {
    take_line(out);
    m_line_offset = m_offset;
}

void NdjsonParser::take_line(std::vector<NdjsonLine>& out) {
    std::string_view line = m_line;
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (is_blank(line)) {
        m_line.clear();
        return;
    }
    NdjsonLine parsed;
    parsed.offset = m_line_offset;
    try {
        parsed.value = core::parse_json(line);
    } catch (const nlohmann::json::exception& error) {
        const auto* syntax = dynamic_cast<const nlohmann::json::parse_error*>(&error);
        parsed.value = nullptr;
        parsed.error = "byte " + std::to_string(m_line_offset) + ": not JSON (" +
                       (syntax ? "column " + std::to_string(syntax->byte) + ": " : "") +
                       json_parse_problem(error) + "): " + excerpt(line);
    }
    out.push_back(std::move(parsed));
    m_line.clear();
}

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

} // namespace farm::ai
