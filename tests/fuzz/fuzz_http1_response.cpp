// Fuzzes the HTTP/1.x response reader of the plain-HTTP transport: no crash, no undefined
// behaviour, bounded memory (its limits), and the same responses — statuses, bodies, keep-alive,
// errors — whether a connection's bytes come whole or in pieces. After a response ends the rest
// is read as the next response, as on a kept-alive connection.
#include "farm/net/http1_response.hpp"
#include "fuzz_pieces.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

struct Recorder final : farm::net::Http1ResponseSink {
    std::string events;
    void on_head(int status) override { events += "head " + std::to_string(status) + "\n"; }
    bool on_body(std::string_view piece) override {
        farm::fuzz::require(!piece.empty());
        events.append(piece);
        // A body that says "STOP" is refused, as a reader over its limit refuses one; what came
        // after the word in the same piece depends on the cut, so it is not kept.
        std::size_t stop = events.find("STOP");
        if (stop == std::string::npos) {
            return true;
        }
        events.resize(stop + 4);
        return false;
    }
};

std::string read_all(const std::vector<std::string_view>& pieces, bool head_request) {
    using Reader = farm::net::Http1ResponseReader;
    Reader reader;
    Recorder recorder;
    reader.start(head_request);
    for (std::string_view piece : pieces) {
        while (true) {
            std::size_t used = 0;
            Reader::Step step = reader.feed(piece, recorder, used);
            farm::fuzz::require(used <= piece.size());
            if (step == Reader::Step::failed) {
                return recorder.events + "failed: " + reader.error();
            }
            if (step == Reader::Step::need_more) {
                farm::fuzz::require(used == piece.size());
                break;
            }
            recorder.events += "done " + std::string(reader.http_version()) +
                               (reader.keep_alive() ? " keep\n" : " close\n");
            reader.start(head_request);
            piece.remove_prefix(used);
        }
    }
    Reader::Step last = reader.end_of_input();
    return recorder.events +
           (last == Reader::Step::failed ? "end failed: " + reader.error() : "end done");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    bool head_request = size % 7 == 3; // some inputs are read as answers to a HEAD request
    farm::fuzz::require(read_all({bytes}, head_request) ==
                        read_all(farm::fuzz::cut_in_pieces(bytes), head_request));
    return 0;
}
