// Reads HTTP/1.x responses from the bytes of one connection, in whatever pieces the socket reads
// give (internal to net/: the plain-HTTP transport of StreamClient, plain_http.hpp).
//
// The body is framed as RFC 9112 section 6.3 says: none after a HEAD request or a 1xx, 204 or 304
// status; chunked when Transfer-Encoding ends in `chunked` (it wins over Content-Length); else
// Content-Length bytes; else everything until the server closes the connection. Interim 1xx heads
// (100 Continue, 103 Early Hints) are read past. Bodies are handed on where they lie in the piece
// (no copy); only the head and a chunk-size line cut between pieces are kept.
//
// Guarantees: any sequence of bytes ends in a response or a named error, never a crash; memory is
// bounded whatever the server sends (a head over max_head_bytes, a chunk-size or trailer line over
// max_line_bytes is an error, not a bigger buffer); a connection may be kept for the next request
// only when keep_alive() says so (HTTP/1.1 without `Connection: close`, or HTTP/1.0 with
// `keep-alive`, and a body whose end was framed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace farm::net {

// Where a reader's events go: the response head (its final status), then the body in pieces.
class Http1ResponseSink {
  public:
    virtual void on_head(int status) = 0;
    // Returns false to stop reading: the reader fails with stopped() set.
    virtual bool on_body(std::string_view piece) = 0;

  protected:
    ~Http1ResponseSink() = default;
};

class Http1ResponseReader {
  public:
    enum class Step { need_more, done, failed };
    static constexpr std::size_t max_head_bytes = 256 * 1024;
    static constexpr std::size_t max_line_bytes = 8 * 1024;

    // Makes the reader ready for the response to the next request; `head_request`: that request
    // is a HEAD, whose response has no body whatever its head says.
    void start(bool head_request);

    // Reads `bytes`. need_more: all of them were used and the response goes on; done: the
    // response ended after `used` bytes (more bytes after it are the server's mistake: the
    // connection is then not kept); failed: error() says why. After done or failed, call start()
    // before feeding again.
    Step feed(std::string_view bytes, Http1ResponseSink& sink, std::size_t& used);
    // The server closed the connection: done for a body read until then, failed otherwise.
    Step end_of_input();

    int status() const { return m_status; }
    std::string_view http_version() const; // "1.1", "1.0"; "" before a status line
    bool keep_alive() const { return m_keep_alive; }
    bool stopped() const { return m_stopped; }                 // the sink refused a piece
    bool started_answer() const { return m_answer_bytes > 0; } // any byte of a response came
    const std::string& error() const { return m_error; }

  private:
    enum class Phase {
        head,
        fixed_body,
        close_body,
        chunk_size,
        chunk_data,
        chunk_end,
        trailer,
        done,
        failed
    };
    Step read_head(std::string_view bytes, Http1ResponseSink& sink, std::size_t& used);
    bool parse_head(std::string_view head);
    bool parse_status_line(std::string_view line);
    bool parse_header(std::string_view line);
    void begin_body(Http1ResponseSink& sink);
    Step read_chunked(std::string_view bytes, Http1ResponseSink& sink, std::size_t& used);
    bool take_line(std::string_view bytes, std::size_t& at, std::string_view& line);
    bool chunk_size_from(std::string_view line);
    bool hand_on(std::string_view piece, Http1ResponseSink& sink);
    Step fail(std::string message);

    Phase m_phase = Phase::head;
    bool m_head_request = false;
    std::string m_head;             // a head (or a line) cut between pieces
    std::size_t m_head_scanned = 0; // how much of m_head is known not to end the head
    std::string m_line;             // a chunk-size or trailer line put together from m_head
    int m_status = 0;
    int m_minor_version = 1;
    bool m_keep_alive = false;
    bool m_chunked = false;
    bool m_body_to_close = false; // a Transfer-Encoding that does not end in chunked
    bool m_has_length = false;
    bool m_connection_close = false;
    bool m_connection_keep_alive = false;
    std::uint64_t m_length = 0; // Content-Length, or what is left of it or of a chunk
    std::uint64_t m_answer_bytes = 0;
    bool m_stopped = false;
    std::string m_error;
};

} // namespace farm::net
