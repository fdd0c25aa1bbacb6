// net::Http1ResponseReader on answers recorded from real servers (nginx, Python's http.server,
// farm_mock_llm: tests/fixtures/fuzz/http1_responses) cut at every byte, and on the shapes RFC 9112
// allows that those servers do not send, and the ways a server can break them.
#include "farm/net/http1_response.hpp"

#include "support/fixture.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using farm::net::Http1ResponseReader;
using Step = Http1ResponseReader::Step;

namespace {

struct Answer {
    std::vector<int> heads;
    std::string body;
    bool refuse_after_first_piece = false;
};

struct Recorder final : farm::net::Http1ResponseSink {
    Answer answer;
    void on_head(int status) override { answer.heads.push_back(status); }
    bool on_body(std::string_view piece) override {
        answer.body.append(piece);
        return !answer.refuse_after_first_piece;
    }
};

struct Read {
    Step step = Step::need_more;
    std::vector<Answer> answers;
    std::vector<bool> kept; // keep_alive() of each finished answer
    std::string error;
};

// Feeds `bytes` in pieces of `piece` bytes (0: whole), reading answer after answer as on a
// kept-alive connection, then ends the input when `close`.
Read read(std::string_view bytes, std::size_t piece = 0, bool close = true, bool head = false) {
    Http1ResponseReader reader;
    Recorder recorder;
    Read result;
    reader.start(head);
    while (true) {
        std::string_view next = bytes.substr(0, piece == 0 ? bytes.size() : piece);
        bytes.remove_prefix(next.size());
        while (true) {
            std::size_t used = 0;
            result.step = reader.feed(next, recorder, used);
            if (result.step != Step::done) {
                break;
            }
            result.answers.push_back(recorder.answer);
            result.kept.push_back(reader.keep_alive());
            recorder.answer = {};
            reader.start(head);
            next.remove_prefix(used);
        }
        if (result.step == Step::failed || bytes.empty()) {
            break;
        }
    }
    if (result.step == Step::need_more && close) {
        result.step = reader.end_of_input();
        if (result.step == Step::done) {
            result.answers.push_back(recorder.answer);
            result.kept.push_back(reader.keep_alive());
        }
    }
    result.error = reader.error();
    return result;
}

std::string fixture(const std::string& name) {
    return farm::test::read_fixture("fuzz/http1_responses", name);
}

} // namespace

TEST_CASE("net::Http1ResponseReader: nginx's two answers on one kept connection, cut anywhere") {
    std::string bytes = fixture("nginx-two-sse-answers");
    Read whole = read(bytes, 0, false);
    REQUIRE(whole.answers.size() == 2);
    CHECK(whole.kept == std::vector<bool>{true, false}); // the second said Connection: close
    for (const Answer& answer : whole.answers) {
        CHECK(answer.heads == std::vector<int>{200});
        CHECK(answer.body.size() == 1236); // nginx's Content-Length
        // bench/ai_nginx.sh's body: the shell's $(...) dropped its last blank line.
        CHECK(answer.body.ends_with("data: [DONE]"));
    }
    for (std::size_t piece : {1, 2, 3, 7, 64, 1000}) {
        Read cut = read(bytes, piece, false);
        REQUIRE(cut.answers.size() == 2);
        CHECK(cut.answers[0].body == whole.answers[0].body);
        CHECK(cut.answers[1].body == whole.answers[1].body);
    }
}

TEST_CASE("net::Http1ResponseReader: chunked, HTTP/1.0 to the close, HEAD, interim answers") {
    SUBCASE("farm_mock_llm's chunked stream") {
        std::string bytes = fixture("mock-chunked-sse");
        for (std::size_t piece : {0, 1, 5}) {
            Read result = read(bytes, piece, false);
            REQUIRE(result.answers.size() == 1);
            CHECK(result.kept[0]);
            CHECK(result.answers[0].body.starts_with("data: {"));
            CHECK(result.answers[0].body.ends_with("data: [DONE]\n\n"));
            CHECK(result.answers[0].body.find("\r\n") == std::string::npos); // no chunk framing
        }
    }
    SUBCASE("Python's http.server: HTTP/1.0, not kept") {
        Read result = read(fixture("python-http-server-http10"));
        REQUIRE(result.answers.size() == 1);
        CHECK(result.answers[0].body == "{\"object\":\"list\",\"data\":[]}\n");
        CHECK_FALSE(result.kept[0]);
    }
    SUBCASE("a body without a length ends at the close") {
        Read result = read("HTTP/1.1 200 OK\r\n\r\npart one, part two", 4);
        REQUIRE(result.answers.size() == 1);
        CHECK(result.answers[0].body == "part one, part two");
        CHECK_FALSE(result.kept[0]);
    }
    SUBCASE("a HEAD answer has no body whatever its Content-Length") {
        Read result = read(fixture("nginx-head"), 0, false, true);
        REQUIRE(result.answers.size() == 1);
        CHECK(result.answers[0].heads == std::vector<int>{200});
        CHECK(result.answers[0].body.empty());
    }
    SUBCASE("100 and 103 before the answer; a coding before chunked; extensions, trailers") {
        std::string bytes = fixture("rfc9112-interim-chunk-extension-trailer");
        for (std::size_t piece : {0, 1, 2, 3}) {
            Read result = read(bytes, piece, false);
            REQUIRE(result.answers.size() == 1);
            CHECK(result.answers[0].heads == std::vector<int>{200}); // interim heads not passed on
            CHECK(result.answers[0].body == "Wikipedia in\r\n\r\nchunks.");
        }
    }
    SUBCASE("204 and 304 have no body; Connection decides keeping") {
        Read result =
            read("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
                 "HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n"
                 "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
                 0, false);
        REQUIRE(result.answers.size() == 3);
        CHECK(result.answers[0].body.empty());
        CHECK(result.kept == std::vector<bool>{true, false, true});
        CHECK(result.answers[2].body == "ok");
    }
}

TEST_CASE("net::Http1ResponseReader: what a broken or hostile server sends is a named error") {
    SUBCASE("not HTTP at all, said as soon as its first line shows it") {
        for (std::size_t piece : {0, 1, 7}) {
            // An SSH server's banner: one line, then it waits for the client's.
            Read result = read("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", piece, false);
            CHECK(result.step == Step::failed);
            CHECK(result.error.find("not an HTTP/1.x response (it starts with "
                                    "'SSH-2.0-OpenSSH_9.2p1 Debian-2'") != std::string::npos);
        }
        // A TLS server's alert to a cleartext request, then its close.
        Read tls = read(std::string("\x15\x03\x03\x00\x02\x02\x32", 7));
        CHECK(tls.error.find("is it an https:// server") != std::string::npos);
    }
    SUBCASE("a head that never ends stops at the limit, not at the memory") {
        std::string endless = "HTTP/1.1 200 OK\r\n";
        while (endless.size() < 2 * Http1ResponseReader::max_head_bytes) {
            endless += "X-Filler: " + std::string(100, 'x') + "\r\n";
        }
        Read result = read(endless, 4096);
        CHECK(result.step == Step::failed);
        CHECK(result.error.find("over 256 KiB") != std::string::npos);
    }
    SUBCASE("chunk sizes") {
        for (const char* bad : {"zz\r\n", "ffffffffffffffffff\r\n", "5 x\r\nhello\r\n"}) {
            Read result =
                read(std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + bad);
            CHECK(result.step == Step::failed);
        }
        Read long_line = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" +
                                  std::string(20000, 'e'),
                              1000);
        CHECK(long_line.step == Step::failed);
        CHECK(long_line.error.find("over 8192 bytes") != std::string::npos);
        Read overlong = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n");
        CHECK(overlong.error.find("longer than its size line") != std::string::npos);
    }
    SUBCASE("two different Content-Length values") {
        Read result = read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        CHECK(result.step == Step::failed);
        CHECK(result.error.find("Content-Length") != std::string::npos);
    }
    SUBCASE("closed before the end of what was announced, or before any answer") {
        Read short_body = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        CHECK(short_body.step == Step::failed);
        CHECK(short_body.error.find("7 bytes before the end") != std::string::npos);
        Read cut_chunks = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab");
        CHECK(cut_chunks.error.find("chunked body") != std::string::npos);
        Read nothing = read("");
        CHECK(nothing.step == Step::failed);
        CHECK(nothing.error.find("without an answer") != std::string::npos);
    }
    SUBCASE("a refused piece stops the reader") {
        Http1ResponseReader reader;
        Recorder recorder;
        recorder.answer.refuse_after_first_piece = true;
        reader.start(false);
        std::size_t used = 0;
        CHECK(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", recorder, used) ==
              Step::failed);
        CHECK(reader.stopped());
        CHECK(reader.started_answer());
    }
}
