// core::LineSplitter: lines however the bytes are cut, and no line over the limit.
#include "farm/core/line_splitter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using farm::core::LineSplitter;

namespace {

std::vector<std::string> lines_of(const std::string& bytes, std::size_t piece, std::size_t limit) {
    LineSplitter splitter(limit);
    std::vector<std::string> lines;
    auto keep = [&lines](std::string line) { lines.push_back(std::move(line)); };
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        splitter.feed(std::string_view(bytes).substr(at, piece), keep);
    }
    splitter.flush(keep);
    return lines;
}

} // namespace

TEST_CASE("core::LineSplitter: the same lines whatever the pieces") {
    std::string bytes = "one\n\ntwo\r\nthree that is long\nlast";
    std::vector<std::string> expected = {"one", "", "two\r", "three that is long", "last"};
    for (std::size_t piece : {bytes.size(), std::size_t(5), std::size_t(1)}) {
        CAPTURE(piece);
        CHECK(lines_of(bytes, piece, 100) == expected);
    }
}

TEST_CASE("core::LineSplitter: a line over the limit is handed on in pieces") {
    for (std::size_t piece : {std::size_t(1000), std::size_t(3), std::size_t(1)}) {
        CAPTURE(piece);
        CHECK(lines_of("abcdefghij\nxy", piece, 4) ==
              std::vector<std::string>{"abcd", "efgh", "ij", "xy"});
    }
    // Never inside a UTF-8 character: "é" is two bytes.
    CHECK(lines_of("abc\xc3\xa9z\n", 100, 4) == std::vector<std::string>{"abc", "\xc3\xa9z"});
    // A line of 8 MiB without an end, fed as a pipe delivers it: pieces of the limit, one pass.
    std::string endless(8 << 20, 'x');
    std::vector<std::string> pieces = lines_of(endless, 65536, 4096);
    CHECK(pieces.size() == (8 << 20) / 4096);
    CHECK(pieces.back() == std::string(4096, 'x'));
}
