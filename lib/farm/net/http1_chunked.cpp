// The chunked body of Http1ResponseReader (http1_response.hpp): size lines (hex, with extensions),
// chunk data handed on where it lies, the CRLF after each chunk, and the trailer fields up to the
// blank line; a line cut between pieces is kept until its end comes, up to max_line_bytes.
#include "farm/net/http1_response.hpp"

#include "farm/core/text.hpp"

#include <algorithm>

namespace farm::net {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    char lower = char(c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

} // namespace

Http1ResponseReader::Step Http1ResponseReader::read_chunked(std::string_view bytes,
                                                            Http1ResponseSink& sink,
                                                            std::size_t& used) {
    used = 0;
    while (used < bytes.size()) {
        if (m_phase == Phase::chunk_data) {
            std::size_t take = std::size_t(std::min<std::uint64_t>(m_length, bytes.size() - used));
            if (!hand_on(bytes.substr(used, take), sink)) {
                return Step::failed;
            }
            used += take;
            m_length -= take;
            if (m_length == 0) {
                m_phase = Phase::chunk_end;
            }
            continue;
        }
        std::string_view line;
        if (!take_line(bytes, used, line)) {
            return m_phase == Phase::failed ? Step::failed : Step::need_more;
        }
        if (m_phase == Phase::chunk_size) {
            if (!chunk_size_from(line)) {
                return Step::failed;
            }
        } else if (m_phase == Phase::chunk_end) {
            if (!line.empty()) {
                return fail("a chunk of the response's body is longer than its size line says");
            }
            m_phase = Phase::chunk_size;
        } else if (line.empty()) { // the blank line after the trailer fields
            m_phase = Phase::done;
            return Step::done;
        }
    }
    return Step::need_more;
}

// One line from `bytes` at `at` (moved past it), without its CR LF; a line cut between pieces is
// kept in m_head until its end comes. False: no whole line yet, or (phase failed) one too long.
bool Http1ResponseReader::take_line(std::string_view bytes, std::size_t& at,
                                    std::string_view& line) {
    std::size_t line_end = bytes.find('\n', at);
    std::size_t length = (line_end == std::string_view::npos ? bytes.size() : line_end) - at;
    if (m_head.size() + length > max_line_bytes) {
        fail("a chunk-size or trailer line of the response is over " +
             std::to_string(max_line_bytes) + " bytes");
        return false;
    }
    if (line_end == std::string_view::npos) {
        m_head.append(bytes.substr(at));
        at = bytes.size();
        return false;
    }
    if (m_head.empty()) {
        line = core::without_trailing_cr(bytes.substr(at, length));
    } else {
        m_head.append(bytes.substr(at, length));
        m_line.swap(m_head);
        m_head.clear();
        line = core::without_trailing_cr(m_line);
    }
    at = line_end + 1;
    return true;
}

bool Http1ResponseReader::chunk_size_from(std::string_view line) {
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (; digits < line.size() && hex_value(line[digits]) >= 0; ++digits) {
        if (size >> 56 != 0) {
            fail("a chunk size of the response is too large");
            return false;
        }
        size = size * 16 + std::uint64_t(hex_value(line[digits]));
    }
    std::string_view after = line.substr(digits);
    if (digits == 0 || !(after.empty() || after[0] == ';' || after[0] == ' ' || after[0] == '\t')) {
        fail("'" + std::string(line.substr(0, 40)) + "' is not a chunk size");
        return false;
    }
    m_length = size;
    m_phase = size == 0 ? Phase::trailer : Phase::chunk_data;
    return true;
}

} // namespace farm::net
