// The last lines a background process wrote, each with the moment it arrived.
//
// A dev server talks for as long as it runs; farm needs only its recent lines (to show why it
// failed) and the lines since a point (to match a "ready" or "reloaded" pattern). LineRing keeps
// the newest `capacity` complete lines; every line gets a sequence number that keeps growing, so
// a reader asks for "the lines after N" and learns when some of them were already dropped.
// Bytes are split on '\n' (a trailing '\r' is removed); a last line without '\n' is kept aside
// until flush(). No line is longer than `max_line_bytes`: a longer one is cut into pieces of at
// most that many bytes (never inside a UTF-8 character), each a line of its own. Each stream
// (stdout, stderr) keeps its own unfinished line, so that a piece of one never joins a piece of the
// other into a line neither wrote. Not thread-safe: the owner locks.
#pragma once

#include "farm/core/line_splitter.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace farm::exec {

struct OutputLine {
    std::uint64_t sequence = 0; // 1 for the first line ever written
    std::chrono::steady_clock::time_point arrived{};
    std::string text;
};

class LineRing {
  public:
    explicit LineRing(std::size_t capacity = 1000, std::size_t max_line_bytes = 4096);

    enum class Stream { out = 0, err = 1 };

    // Adds output as it came from the pipe of `stream`; complete lines are stamped with `arrived`.
    void append(std::string_view bytes, std::chrono::steady_clock::time_point arrived,
                Stream stream = Stream::out);
    // Ends the last lines that have no '\n', of both streams (the writer is gone).
    void flush(std::chrono::steady_clock::time_point arrived);

    // Lines with a sequence number above `after`, oldest first (those still kept).
    std::vector<OutputLine> lines_after(std::uint64_t after) const;
    // The newest `count` lines' text, oldest first.
    std::vector<std::string> last_lines(std::size_t count) const;
    // The sequence number of the newest line; 0 before the first.
    std::uint64_t last_sequence() const { return m_next_sequence - 1; }

  private:
    void push(std::string line, std::chrono::steady_clock::time_point arrived);

    std::size_t m_capacity;
    std::deque<OutputLine> m_lines;
    core::LineSplitter m_splitters[2]; // by Stream: each keeps its own unfinished line
    std::uint64_t m_next_sequence = 1;
};

} // namespace farm::exec
