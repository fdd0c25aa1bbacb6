#include "farm/ai/ndjson_parser.hpp"

#include "farm/ai/server_json.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/core/text.hpp"

namespace farm::ai {

namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
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
                       json_parse_problem(error) + "): " + core::excerpt(line);
    }
    out.push_back(std::move(parsed));
    m_line.clear();
}

} // namespace farm::ai
