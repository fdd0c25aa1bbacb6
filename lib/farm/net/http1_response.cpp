#include "farm/net/http1_response.hpp"

#include "farm/core/text.hpp"

#include <algorithm>

namespace farm::net {

namespace {

// Where a head ends: just after its blank line (CRLF CRLF, or bare LFs as lenient readers allow),
// searching from `from`; npos while the blank line has not come yet.
std::size_t head_end(std::string_view text, std::size_t from) {
    std::size_t line_end = text.find('\n', from);
    while (line_end != std::string_view::npos) {
        std::size_t next = line_end + 1;
        if (next < text.size() && text[next] == '\r') {
            ++next;
        }
        if (next < text.size() && text[next] == '\n') {
            return next + 1;
        }
        if (next >= text.size()) {
            return std::string_view::npos;
        }
        line_end = text.find('\n', line_end + 1);
    }
    return std::string_view::npos;
}

// Calls `each` with every comma-separated token of a header value, trimmed.
template <typename Each>
void for_each_token(std::string_view value, Each each) {
    while (true) {
        std::size_t comma = value.find(',');
        each(core::trim_blanks(value.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return;
        }
        value.remove_prefix(comma + 1);
    }
}

// The first line of an answer, as quoted in an error: without its line end, 40 bytes at most,
// anything unprintable as '?'.
std::string quoted_start(std::string_view answer) {
    std::string_view line = core::without_trailing_cr(answer.substr(0, answer.find('\n')));
    std::string start(line.substr(0, 40));
    for (char& c : start) {
        c = (c < 0x20 || c > 0x7e) ? '?' : c;
    }
    return start;
}

std::string not_http_message(std::string_view answer) {
    return "the answer is not an HTTP/1.x response (it starts with '" + quoted_start(answer) +
           "': is it an https:// server, or another service on that port?)";
}

// Whether the first bytes of an answer may still begin "HTTP/".
bool could_be_http(std::string_view start) {
    std::size_t shown = std::min<std::size_t>(start.size(), 5);
    return start.substr(0, shown) == std::string_view("HTTP/").substr(0, shown);
}

// Whether the first bytes of an answer already show that it is not HTTP/1.x, with enough of its
// first line to quote the same way however the bytes were cut.
bool plainly_not_http(std::string_view start) {
    return !could_be_http(start) &&
           (start.find('\n') != std::string_view::npos || start.size() > 40);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

void Http1ResponseReader::start(bool head_request) {
    m_phase = Phase::head;
    m_head_request = head_request;
    m_head.clear();
    m_head_scanned = 0;
    m_status = 0;
    m_minor_version = 1;
    m_keep_alive = false;
    m_chunked = false;
    m_body_to_close = false;
    m_has_length = false;
    m_connection_close = false;
    m_connection_keep_alive = false;
    m_length = 0;
    m_answer_bytes = 0;
    m_stopped = false;
    m_error.clear();
}

std::string_view Http1ResponseReader::http_version() const {
    if (m_status == 0) {
        return "";
    }
    return m_minor_version == 0 ? "1.0" : "1.1";
}

Http1ResponseReader::Step Http1ResponseReader::feed(std::string_view bytes, Http1ResponseSink& sink,
                                                    std::size_t& used) {
    used = 0;
    m_answer_bytes += bytes.size();
    while (true) {
        std::string_view rest = bytes.substr(used);
        switch (m_phase) {
        case Phase::done:
            return Step::done;
        case Phase::failed:
            return Step::failed;
        case Phase::head: {
            if (rest.empty()) {
                return Step::need_more;
            }
            std::size_t taken = 0;
            Step step = read_head(rest, sink, taken);
            used += taken;
            if (step != Step::done) {
                return step;
            }
            break; // the head ended: on with its body, or the next head after a 1xx
        }
        case Phase::fixed_body: {
            std::size_t take = std::size_t(std::min<std::uint64_t>(m_length, rest.size()));
            if (!hand_on(rest.substr(0, take), sink)) {
                return Step::failed;
            }
            used += take;
            m_length -= take;
            if (m_length > 0) {
                return Step::need_more;
            }
            m_phase = Phase::done;
            break;
        }
        case Phase::close_body:
            used = bytes.size();
            return hand_on(rest, sink) ? Step::need_more : Step::failed;
        default: {
            std::size_t taken = 0;
            Step step = read_chunked(rest, sink, taken);
            used += taken;
            if (step != Step::done) {
                return step;
            }
            break;
        }
        }
    }
}

Http1ResponseReader::Step
Http1ResponseReader::read_head(std::string_view bytes, Http1ResponseSink& sink, std::size_t& used) {
    std::string_view head;
    std::size_t whole_head = m_head.empty() ? head_end(bytes, 0) : std::string_view::npos;
    used = 0;
    if (whole_head != std::string_view::npos && whole_head <= max_head_bytes) {
        used = whole_head;
        head = bytes.substr(0, used); // the common case: the whole head in one piece
    } else {
        std::size_t before = m_head.size();
        std::size_t room = max_head_bytes - before;
        m_head.append(bytes.substr(0, room));
        std::size_t end = head_end(m_head, m_head_scanned);
        if (end == std::string_view::npos) {
            if (plainly_not_http(m_head)) {
                return fail(not_http_message(m_head));
            }
            if (bytes.size() >= room) {
                return fail("the response head is over " + std::to_string(max_head_bytes / 1024) +
                            " KiB without its end");
            }
            // A line end kept for the next piece may start the blank line: look again from it.
            m_head_scanned = m_head.size() < 3 ? 0 : m_head.size() - 3;
            used = bytes.size();
            return Step::need_more;
        }
        m_head.resize(end);
        used = end - before;
        head = m_head;
    }
    if (!parse_head(head)) {
        return Step::failed;
    }
    m_head.clear();
    m_head_scanned = 0;
    if (m_status >= 100 && m_status < 200) {
        // An interim answer; the real one follows on the same connection.
        m_chunked = m_body_to_close = m_has_length = false;
        m_connection_close = m_connection_keep_alive = false;
        return Step::done;
    }
    begin_body(sink);
    return Step::done;
}

bool Http1ResponseReader::parse_head(std::string_view head) {
    std::size_t line_end = head.find('\n');
    if (!parse_status_line(core::without_trailing_cr(head.substr(0, line_end)))) {
        fail(not_http_message(head)); // quoted from the head, as when it fails before its end
        return false;
    }
    while (line_end != std::string_view::npos && line_end + 1 < head.size()) {
        std::size_t start = line_end + 1;
        line_end = head.find('\n', start);
        if (!parse_header(core::without_trailing_cr(head.substr(start, line_end - start)))) {
            return false;
        }
    }
    return true;
}

bool Http1ResponseReader::parse_status_line(std::string_view line) {
    // HTTP/1.x SP 3DIGIT [SP reason]
    bool shaped = line.size() >= 12 && line.starts_with("HTTP/1.") && is_digit(line[7]) &&
                  line[8] == ' ' && is_digit(line[9]) && is_digit(line[10]) && is_digit(line[11]) &&
                  (line.size() == 12 || line[12] == ' ');
    if (!shaped) {
        return false;
    }
    m_minor_version = line[7] - '0';
    m_status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    return m_status >= 100;
}

bool Http1ResponseReader::parse_header(std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.starts_with(' ') || line.starts_with('\t')) {
        return true; // not a field farm reads (a folded line, or no field at all)
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = core::trim_blanks(line.substr(colon + 1));
    if (core::equals_ignoring_case(name, "Transfer-Encoding")) {
        // The last coding says how the body ends: chunked, or (anything else) at the close.
        std::string_view last;
        for_each_token(value, [&](std::string_view token) { last = token; });
        m_chunked = core::equals_ignoring_case(last, "chunked");
        m_body_to_close = !m_chunked;
    } else if (core::equals_ignoring_case(name, "Content-Length")) {
        bool digits = !value.empty() && value.size() <= 18 &&
                      std::all_of(value.begin(), value.end(), is_digit);
        std::uint64_t length = 0;
        for (char c : digits ? value : std::string_view()) {
            length = length * 10 + std::uint64_t(c - '0');
        }
        if (!digits || (m_has_length && length != m_length)) {
            fail("the response's Content-Length '" + std::string(value.substr(0, 40)) +
                 "' is not one number of bytes");
            return false;
        }
        m_has_length = true;
        m_length = length;
    } else if (core::equals_ignoring_case(name, "Connection")) {
        for_each_token(value, [&](std::string_view token) {
            m_connection_close |= core::equals_ignoring_case(token, "close");
            m_connection_keep_alive |= core::equals_ignoring_case(token, "keep-alive");
        });
    }
    return true;
}

void Http1ResponseReader::begin_body(Http1ResponseSink& sink) {
    m_keep_alive = m_minor_version >= 1 ? !m_connection_close : m_connection_keep_alive;
    if (m_head_request || m_status == 204 || m_status == 304) {
        m_phase = Phase::done;
    } else if (m_chunked) {
        m_phase = Phase::chunk_size;
    } else if (m_body_to_close || !m_has_length) {
        // Transfer-Encoding without chunked, or no length at all: the close ends the body.
        m_phase = Phase::close_body;
        m_keep_alive = false;
    } else {
        m_phase = m_length > 0 ? Phase::fixed_body : Phase::done;
    }
    sink.on_head(m_status);
}

bool Http1ResponseReader::hand_on(std::string_view piece, Http1ResponseSink& sink) {
    if (piece.empty() || sink.on_body(piece)) {
        return true;
    }
    m_stopped = true;
    fail("the reader stopped the body");
    return false;
}

Http1ResponseReader::Step Http1ResponseReader::end_of_input() {
    switch (m_phase) {
    case Phase::done:
        return Step::done;
    case Phase::failed:
        return Step::failed;
    case Phase::close_body:
        m_phase = Phase::done;
        return Step::done;
    case Phase::head:
        if (m_answer_bytes == 0) {
            return fail("the server closed the connection without an answer");
        }
        if (!could_be_http(m_head)) {
            return fail(not_http_message(m_head));
        }
        return fail("the connection closed inside the response head");
    case Phase::fixed_body:
        return fail("the connection closed " + std::to_string(m_length) +
                    " bytes before the end of the body its Content-Length announced");
    default:
        return fail("the connection closed before the end of the chunked body");
    }
}

Http1ResponseReader::Step Http1ResponseReader::fail(std::string message) {
    m_phase = Phase::failed;
    m_error = std::move(message);
    return Step::failed;
}

} // namespace farm::net
