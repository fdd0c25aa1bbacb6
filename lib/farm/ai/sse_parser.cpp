#include "farm/ai/sse_parser.hpp"

#include "farm/core/text.hpp"

namespace farm::ai {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

} // namespace

void SseParser::feed(std::string_view bytes, const SseSink& sink) {
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (m_past_start && !m_after_cr) {
            std::size_t end = core::find_line_break(bytes, at);
            if (end < bytes.size() && m_line.empty()) {
                // The common case, a whole line in this piece: read where it lies, and its line
                // break taken as take_byte takes one.
                m_line_offset = m_offset;
                m_offset += end - at + 1;
                m_after_cr = bytes[end] == '\r';
                take_line(bytes.substr(at, end - at), sink);
                m_line_offset = m_offset;
                at = end + 1;
                continue;
            }
            // A run of a line's bytes that goes on in a later piece: copied at once, as
            // take_byte would one by one.
            if (end > at) {
                if (m_line.empty()) {
                    m_line_offset = m_offset;
                }
                m_line.append(bytes.data() + at, end - at);
                m_offset += end - at;
                at = end;
                continue;
            }
        }
        take_byte(bytes[at++], sink);
    }
}

void SseParser::take_byte(char c, const SseSink& sink) {
    std::size_t here = m_offset++;
    if (!m_past_start) {
        // The BOM is matched byte by byte, since a piece may end inside it.
        if (c == utf8_bom[m_bom_matched]) {
            if (++m_bom_matched == utf8_bom.size()) {
                m_past_start = true;
                m_line_offset = m_offset;
            }
            return;
        }
        m_past_start = true;
        // A partial BOM is ordinary text of the first line.
        m_line.assign(utf8_bom.substr(0, m_bom_matched));
        m_line_offset = 0;
    }
    if (m_after_cr) {
        m_after_cr = false;
        if (c == '\n') {
            m_line_offset = m_offset;
            return;
        }
    }
    if (c == '\r' || c == '\n') {
        m_after_cr = c == '\r';
        take_line(m_line, sink);
        m_line.clear();
        m_line_offset = m_offset;
        return;
    }
    if (m_line.empty()) {
        m_line_offset = here;
    }
    m_line.push_back(c);
}

void SseParser::finish(const SseSink& sink) {
    if (!m_past_start && m_bom_matched > 0) {
        m_line.assign(utf8_bom.substr(0, m_bom_matched));
        m_line_offset = 0;
    }
    m_past_start = true;
    if (!m_line.empty()) {
        take_line(m_line, sink);
        m_line.clear();
    }
    if (m_has_data) {
        dispatch(sink);
    }
    reset_event();
}

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    feed(bytes, [&out](const SseEvent& event) { out.push_back(event); });
}

void SseParser::finish(std::vector<SseEvent>& out) {
    finish([&out](const SseEvent& event) { out.push_back(event); });
}

void SseParser::take_line(std::string_view line, const SseSink& sink) {
    if (line.empty()) {
        dispatch(sink);
        return;
    }
    if (line.front() == ':') {
        return;
    }
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
    }
    if (!m_event_started) {
        m_event_started = true;
        m_event.offset = m_line_offset;
    }
    if (name == "data") {
        if (m_has_data) {
            m_event.data.push_back('\n');
        }
        m_event.data.append(value);
        m_has_data = true;
    } else if (name == "event") {
        m_event.type.assign(value);
    } else if (name == "id") {
        // The standard ignores an id with a NUL in it.
        if (value.find('\0') == std::string_view::npos) {
            m_event.id.assign(value);
        }
    }
}

void SseParser::dispatch(const SseSink& sink) {
    if (m_has_data) {
        sink(m_event);
    }
    reset_event();
}

void SseParser::reset_event() {
    // Cleared, not replaced: the strings keep their capacity for the next event.
    m_event.type.clear();
    m_event.data.clear();
    m_event.id.clear();
    m_event.offset = 0;
    m_event_started = false;
    m_has_data = false;
}

} // namespace farm::ai
