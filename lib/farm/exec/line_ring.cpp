#include "farm/exec/line_ring.hpp"

#include <algorithm>

namespace farm::exec {

LineRing::LineRing(std::size_t capacity, std::size_t max_line_bytes)
    : m_capacity(capacity == 0 ? 1 : capacity), m_max_line_bytes(max_line_bytes) {}

void LineRing::push(std::string line, std::chrono::steady_clock::time_point arrived) {
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    m_lines.push_back(OutputLine{m_next_sequence++, arrived, std::move(line)});
    while (m_lines.size() > m_capacity) {
        m_lines.pop_front();
    }
}

namespace {

// Where to cut `text` to at most `limit` bytes without splitting a UTF-8 character (a line may
// end up in a JSON export, which refuses half a character).
std::size_t cut_point(std::string_view text, std::size_t limit) {
    std::size_t cut = limit;
    while (cut > limit - std::min<std::size_t>(limit - 1, 3) &&
           (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return cut;
}

} // namespace

void LineRing::push_pieces_over_limit(std::string& partial,
                                      std::chrono::steady_clock::time_point arrived) {
    while (partial.size() > m_max_line_bytes) {
        std::size_t cut = cut_point(partial, m_max_line_bytes);
        push(partial.substr(0, cut), arrived);
        partial.erase(0, cut);
    }
}

void LineRing::append(std::string_view bytes, std::chrono::steady_clock::time_point arrived,
                      Stream stream) {
    std::string& partial = m_partial[int(stream)];
    while (!bytes.empty()) {
        // A line that never ends (a progress bar redrawn with '\r') must not grow forever, and
        // no line may be longer than the limit: readers match patterns (std::regex, whose time
        // and stack grow with the line) against every one.
        std::size_t newline = bytes.find('\n');
        partial.append(bytes.substr(0, newline));
        push_pieces_over_limit(partial, arrived);
        if (newline == std::string_view::npos) {
            return;
        }
        push(std::move(partial), arrived);
        partial.clear();
        bytes.remove_prefix(newline + 1);
    }
}

void LineRing::flush(std::chrono::steady_clock::time_point arrived) {
    for (std::string& partial : m_partial) {
        if (!partial.empty()) {
            push(std::move(partial), arrived);
            partial.clear();
        }
    }
}

std::vector<OutputLine> LineRing::lines_after(std::uint64_t after) const {
    std::vector<OutputLine> out;
    for (const OutputLine& line : m_lines) {
        if (line.sequence > after) {
            out.push_back(line);
        }
    }
    return out;
}

std::vector<std::string> LineRing::last_lines(std::size_t count) const {
    std::vector<std::string> out;
    std::size_t skip = m_lines.size() > count ? m_lines.size() - count : 0;
    for (std::size_t i = skip; i < m_lines.size(); ++i) {
        out.push_back(m_lines[i].text);
    }
    return out;
}

} // namespace farm::exec
