#include "farm/exec/line_ring.hpp"

namespace farm::exec {

LineRing::LineRing(std::size_t capacity, std::size_t max_line_bytes)
    : m_capacity(capacity == 0 ? 1 : capacity), m_splitters{core::LineSplitter(max_line_bytes),
                                                            core::LineSplitter(max_line_bytes)} {}

void LineRing::push(std::string line, std::chrono::steady_clock::time_point arrived) {
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    m_lines.push_back(OutputLine{m_next_sequence++, arrived, std::move(line)});
    while (m_lines.size() > m_capacity) {
        m_lines.pop_front();
    }
}

void LineRing::append(std::string_view bytes, std::chrono::steady_clock::time_point arrived,
                      Stream stream) {
    // A line that never ends (a progress bar redrawn with '\r') must not grow forever, and no
    // line may be longer than the limit: readers match patterns (std::regex, whose time and
    // stack grow with the line) against every one.
    m_splitters[int(stream)].feed(bytes, [&](std::string line) { push(std::move(line), arrived); });
}

void LineRing::flush(std::chrono::steady_clock::time_point arrived) {
    for (core::LineSplitter& splitter : m_splitters) {
        splitter.flush([&](std::string line) { push(std::move(line), arrived); });
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
