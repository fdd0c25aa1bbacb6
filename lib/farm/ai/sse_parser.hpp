// A Server-Sent Events parser (the WHATWG "event stream" format) for bytes that arrive in pieces.
//
// Streamed AI answers (OpenAI-compatible servers, TGI) come as SSE. The network hands over bytes in
// whatever pieces the TCP reads give, so a piece may end anywhere: inside a field name, between
// the CR and LF of a CRLF, inside a UTF-8 sequence. The parser keeps what it needs between pieces
// and gives the same events, with the same byte offsets, however the stream is cut.
//
// What it follows from the standard: lines end with LF, CRLF or a lone CR; a leading UTF-8 BOM is
// skipped; a line starting with `:` is a comment (servers send them as keep-alive pings); `name:
// value` drops one space after the colon (`data:x` and `data: x` are the same); a line without a
// colon is a field with an empty value; several `data` lines are joined with `\n`; a blank line
// dispatches the event, and an event without any `data` line is not dispatched. Unknown fields
// (and `retry`) are ignored.
//
// One departure: at the end of the stream, an event that has data but no blank line after it is
// dispatched rather than dropped (browsers drop it), so that a server that forgets the last blank
// line still shows its last event (often `data: [DONE]`).
//
// Nothing here throws on input.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::ai {

struct SseEvent {
    std::string type;       // the `event` field; empty when the server gave none ("message")
    std::string data;       // the `data` lines joined with '\n'
    std::string id;         // the `id` field, empty when none
    std::size_t offset = 0; // byte offset in the stream of the event's first field line
};

// Sees each event as it is completed. The event is the parser's own, reused for the next one
// (its strings keep their capacity: a stream of events costs no allocation per event).
using SseSink = std::function<void(const SseEvent&)>;

class SseParser {
  public:
    // Parses `bytes` and hands each event they complete to `sink`, in order.
    void feed(std::string_view bytes, const SseSink& sink);
    // End of the stream: a last line without line end is taken as a line, and an event with data
    // but no blank line after it is dispatched.
    void finish(const SseSink& sink);
    // The same, appending a copy of each event to `out`.
    void feed(std::string_view bytes, std::vector<SseEvent>& out);
    void finish(std::vector<SseEvent>& out);

    // Bytes seen so far (the BOM included).
    std::size_t bytes_seen() const { return m_offset; }

  private:
    void take_byte(char c, const SseSink& sink);
    // One line without its end: from m_line, or straight from the piece when it lies whole in it.
    void take_line(std::string_view line, const SseSink& sink);
    void dispatch(const SseSink& sink);
    void reset_event();

    std::string m_line;            // the line being read, without its end
    std::size_t m_line_offset = 0; // where m_line starts in the stream
    std::size_t m_offset = 0;      // bytes seen so far
    bool m_after_cr = false;       // the last byte was a CR: an LF right after it is its pair
    std::size_t m_bom_matched = 0; // bytes of a leading BOM matched so far
    bool m_past_start = false;     // the BOM check is over
    SseEvent m_event;              // the event being built
    bool m_event_started = false;  // a field line of m_event has been seen
    bool m_has_data = false;       // m_event has at least one data line
};

} // namespace farm::ai
