// Bytes as a pipe delivers them, split into lines for a reader that matches or keeps them.
//
// A tool's output can hold a line of megabytes (a minified bundle quoted in an error, a progress
// bar redrawn with '\r' and never ended); a reader that kept it whole would grow without bound and
// scan it again with every piece. So no line handed on is longer than the limit: a longer one is
// cut into pieces of at most that many bytes, never inside a UTF-8 character, each handed on as a
// line of its own.
//
// Guarantees: every byte is looked at once per feed (plus the kept unfinished line, which is at
// most the limit); '\n' ends a line and is not part of it; a line without '\n' waits for flush().
#pragma once

#include "farm/core/text.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace farm::core {

class LineSplitter {
  public:
    explicit LineSplitter(std::size_t max_line_bytes) : m_max_line_bytes(max_line_bytes) {}

    // Calls on_line(std::string) for each line `bytes` completes, and for each piece of a line
    // over the limit.
    template <typename OnLine>
    void feed(std::string_view bytes, OnLine&& on_line) {
        while (!bytes.empty()) {
            std::size_t newline = bytes.find('\n');
            m_partial.append(bytes.substr(0, newline));
            hand_on_pieces_over_limit(on_line);
            if (newline == std::string_view::npos) {
                return;
            }
            on_line(std::exchange(m_partial, std::string()));
            bytes.remove_prefix(newline + 1);
        }
    }

    // Hands on the line that has no '\n' yet, if any (the writer is gone).
    template <typename OnLine>
    void flush(OnLine&& on_line) {
        if (!m_partial.empty()) {
            on_line(std::exchange(m_partial, std::string()));
        }
    }

    void clear() { m_partial.clear(); }

  private:
    template <typename OnLine>
    void hand_on_pieces_over_limit(OnLine& on_line) {
        std::size_t from = 0;
        while (m_partial.size() - from > m_max_line_bytes) {
            std::size_t cut =
                utf8_cut_point(std::string_view(m_partial).substr(from), m_max_line_bytes);
            on_line(m_partial.substr(from, cut));
            from += cut;
        }
        m_partial.erase(0, from);
    }

    std::size_t m_max_line_bytes;
    std::string m_partial; // the line not ended yet, at most the limit
};

} // namespace farm::core
