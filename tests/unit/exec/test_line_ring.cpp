#include "farm/exec/line_ring.hpp"

#include <doctest/doctest.h>

using farm::exec::LineRing;
using farm::exec::OutputLine;

namespace {

std::chrono::steady_clock::time_point at(int ms) {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms));
}

} // namespace

TEST_CASE("exec::LineRing splits pieces into lines stamped when they were completed") {
    LineRing ring;
    ring.append("star", at(1));
    ring.append("ting\r\nready on http://localhost:5", at(2));
    ring.append("173\n", at(3));
    std::vector<OutputLine> lines = ring.lines_after(0);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "starting");
    CHECK(lines[0].sequence == 1);
    CHECK(lines[0].arrived == at(2));
    CHECK(lines[1].text == "ready on http://localhost:5173");
    CHECK(lines[1].arrived == at(3));
    CHECK(ring.last_sequence() == 2);
    CHECK(ring.lines_after(1).size() == 1);
    CHECK(ring.lines_after(2).empty());
}

TEST_CASE("exec::LineRing keeps the newest lines and numbers them on") {
    LineRing ring(3);
    for (int i = 1; i <= 5; ++i) {
        ring.append("line " + std::to_string(i) + "\n", at(i));
    }
    CHECK(ring.last_sequence() == 5);
    std::vector<OutputLine> kept = ring.lines_after(0);
    REQUIRE(kept.size() == 3);
    CHECK(kept.front().text == "line 3");
    CHECK(kept.front().sequence == 3);
    CHECK(ring.last_lines(2) == std::vector<std::string>{"line 4", "line 5"});
    CHECK(ring.last_lines(10).size() == 3);
}

TEST_CASE("exec::LineRing flushes a last line without newline and cuts endless ones") {
    LineRing ring(10, 8);
    ring.append("no newline", at(1)); // over 8 bytes: cut
    CHECK(ring.last_sequence() == 1);
    CHECK(ring.last_lines(1) == std::vector<std::string>{"no newli"});
    ring.append("tail", at(2));
    CHECK(ring.last_sequence() == 1);
    ring.flush(at(3));
    CHECK(ring.last_lines(1) == std::vector<std::string>{"netail"});
    ring.flush(at(4)); // nothing pending: nothing added
    CHECK(ring.last_sequence() == 2);
}

TEST_CASE("exec::LineRing never keeps a line over its limit, nor half a character") {
    LineRing ring(1000, 8);
    // One piece with a long line and its newline: cut too, not only endless lines.
    ring.append(std::string(20, 'x') + "\n", at(1));
    CHECK(ring.last_lines(3) == std::vector<std::string>{"xxxxxxxx", "xxxxxxxx", "xxxx"});
    ring.append("abcdefg\xc3\xa9h\n", at(2)); // 'é' straddles byte 8: the cut goes before it
    CHECK(ring.last_lines(2) == std::vector<std::string>{"abcdefg", "\xc3\xa9h"});
    LineRing big;
    big.append(std::string(1 << 20, 'y') + "\n", at(3));
    for (const std::string& line : big.last_lines(1000)) {
        CHECK(line.size() <= 4096);
    }
    CHECK(big.last_sequence() == 256);
}

TEST_CASE("exec::LineRing: pieces of stdout and stderr never join into one line") {
    LineRing ring;
    ring.append("Local: http://loc", at(1), LineRing::Stream::out);
    ring.append("warning: deprecated\n", at(2), LineRing::Stream::err);
    ring.append("alhost:5173/\n", at(3), LineRing::Stream::out);
    CHECK(ring.last_lines(2) ==
          std::vector<std::string>{"warning: deprecated", "Local: http://localhost:5173/"});
    ring.append("half of out", at(4), LineRing::Stream::out);
    ring.append("half of err", at(5), LineRing::Stream::err);
    ring.flush(at(6));
    CHECK(ring.last_lines(2) == std::vector<std::string>{"half of out", "half of err"});
}
