// A parser for newline-delimited JSON (one JSON value a line) fed in arbitrary pieces.
//
// Ollama streams its answers this way. A piece may end anywhere, so the parser keeps a partial
// line until its newline comes. Lines end with LF or CRLF; blank lines (also lines of spaces and
// tabs) are skipped. A line that is not JSON is not thrown: it comes back as a line with an error
// that says what is wrong and at which byte of the stream the line starts, so that the caller
// decides what a bad line means (for a streamed answer: a failed request).
//
// The same bytes give the same lines, values, errors and offsets however they are cut.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

struct NdjsonLine {
    nlohmann::json value;   // null when the line is not JSON
    std::size_t offset = 0; // byte offset of the line's start in the stream
    std::string error;      // empty, or "byte N: not JSON (...): <the line's start>"

    bool ok() const { return error.empty(); }
};

class NdjsonParser {
  public:
    // Parses `bytes` and appends the lines they complete to `out`.
    void feed(std::string_view bytes, std::vector<NdjsonLine>& out);
    // End of the stream: a last line without a newline is parsed too.
    void finish(std::vector<NdjsonLine>& out);

    std::size_t bytes_seen() const { return m_offset; }

  private:
    void take_line(std::vector<NdjsonLine>& out);

    std::string m_line;
    std::size_t m_line_offset = 0;
    std::size_t m_offset = 0;
};

} // namespace farm::ai
