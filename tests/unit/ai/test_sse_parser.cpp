#include "farm/ai/sse_parser.hpp"

#include "ai/pieces.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using farm::ai::SseEvent;
using farm::ai::SseParser;

namespace {

std::vector<SseEvent> parse(const farm::test::Cut& cut) {
    return farm::test::parse_pieces<SseParser, SseEvent>(cut);
}

std::vector<SseEvent> parse(std::string_view bytes) {
    return parse(farm::test::Cut{bytes});
}

// One line per event, to compare results and show differences readably.
std::string describe(const std::vector<SseEvent>& events) {
    std::string text;
    for (const SseEvent& event : events) {
        text += std::to_string(event.offset) + " [" + event.type + "] [" + event.id + "] [" +
                event.data + "]\n";
    }
    return text;
}

} // namespace

TEST_CASE("ai::SseParser reads data with and without a space, and joins data lines") {
    std::vector<SseEvent> events = parse("data: one\n\ndata:two\n\ndata:  three\n\n"
                                         "data: first\ndata:\ndata: last\n\n");
    REQUIRE(events.size() == 4);
    CHECK(events[0].data == "one");
    CHECK(events[1].data == "two");
    CHECK(events[2].data == " three"); // only one space is dropped
    CHECK(events[3].data == "first\n\nlast");
}

TEST_CASE("ai::SseParser skips comments and dispatches only events with data") {
    std::vector<SseEvent> events =
        parse(": ping\n\n:\n\nevent: ping\n\nretry: 100\nfoo: bar\n\ndata: x\n: inside\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "x");
    CHECK(events[0].type.empty());
}

TEST_CASE("ai::SseParser keeps the event type and id of each event") {
    std::vector<SseEvent> events = parse("event: error\nid: 7\ndata: {}\n\ndata: next\n\n");
    REQUIRE(events.size() == 2);
    CHECK(events[0].type == "error");
    CHECK(events[0].id == "7");
    CHECK(events[1].type.empty());
    CHECK(events[1].id.empty());
}

TEST_CASE("ai::SseParser takes a line without colon as a field with an empty value") {
    std::vector<SseEvent> events = parse("data\ndata\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "\n");
}

TEST_CASE("ai::SseParser accepts LF, CRLF and lone CR line ends, also mixed") {
    for (std::string_view input :
         {"data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", "data: a\rdata: b\r\rdata: c\r\r",
          "data: a\r\ndata: b\r\rdata: c\n\r\n"}) {
        std::vector<SseEvent> events = parse(input);
        REQUIRE(events.size() == 2);
        CHECK(events[0].data == "a\nb");
        CHECK(events[1].data == "c");
    }
}

TEST_CASE("ai::SseParser treats a CR at the end of a piece and an LF in the next as one line end") {
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed("data: a\r", events);
    parser.feed("\ndata: b\r", events);
    parser.feed("\n\r", events);
    CHECK(events.size() == 1); // the CR alone is already a blank line
    parser.feed("\n", events); // ... and this LF belongs to it, not a second blank line
    parser.finish(events);
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "a\nb");
}

TEST_CASE("ai::SseParser reports the byte offset of each event's first field line") {
    std::string input = ": ping\n\ndata: one\n\n: c\nevent: e\ndata: two\n\n\r\ndata: three\n\n";
    std::vector<SseEvent> events = parse(input);
    REQUIRE(events.size() == 3);
    CHECK(events[0].offset == input.find("data: one"));
    CHECK(events[1].offset == input.find("event: e"));
    CHECK(events[2].offset == input.find("data: three"));
}

TEST_CASE("ai::SseParser skips a leading BOM, even cut, and keeps a partial one as text") {
    std::vector<SseEvent> events = parse("\xEF\xBB\xBF"
                                         "data: x\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "x");
    CHECK(events[0].offset == 3);
    CHECK(describe(parse(farm::test::Cut{"\xEF", "\xBB",
                                         "\xBF"
                                         "data: x\n\n"})) == describe(events));
    // "\xEF\xBB" followed by something else is not a BOM: the line is an unknown field.
    CHECK(parse("\xEF\xBB"
                "data: x\n\n")
              .empty());
    // A BOM later in the stream is not skipped.
    CHECK(parse("data: x\n\n\xEF\xBB\xBF"
                "data: y\n\n")
              .size() == 1);
}

TEST_CASE("ai::SseParser dispatches at the end an event with no blank line after it") {
    std::vector<SseEvent> events = parse("data: a\n\ndata: [DONE]");
    REQUIRE(events.size() == 2);
    CHECK(events[1].data == "[DONE]");
    CHECK(parse("data: a\n").size() == 1);
    CHECK(parse("event: x\n").empty());
    CHECK(parse("").empty());
}

TEST_CASE("ai::SseParser gives the same events for every cut of its input") {
    std::string input =
        "\xEF\xBB\xBF: ping\r\n\r\nevent: msg\r\ndata: caf\xC3\xA9 \xF0\x9F\xA5\x9E\r\n"
        "data:x\r\rid: 2\ndata\n\n:c\ndata: end";
    std::string expected = describe(parse(input));
    CHECK(expected == "13 [msg] [] [caf\xC3\xA9 \xF0\x9F\xA5\x9E\nx]\n"
                      "51 [] [2] []\n"
                      "66 [] [] [end]\n");
    for (const farm::test::Cut& cut : farm::test::all_cuts_in_two_and_three(input)) {
        REQUIRE(describe(parse(cut)) == expected);
    }
    for (const farm::test::Cut& cut : farm::test::usual_cuts(input)) {
        REQUIRE(describe(parse(cut)) == expected);
    }
}

TEST_CASE("ai::SseParser counts the bytes it has seen") {
    SseParser parser;
    std::vector<SseEvent> events;
    parser.feed("data: a\n", events);
    parser.feed("\n", events);
    CHECK(parser.bytes_seen() == 9);
}
