#include "farm/dev/hmr_client.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace farm::dev;

// The messages as Vite 6 and Next.js 15 send them to their browser clients.

TEST_CASE("dev::classify_hmr_message: Vite") {
    CHECK(classify_hmr_message(HmrProtocol::vite, R"({"type":"connected"})").kind ==
          HmrSignalKind::other);
    HmrSignal update = classify_hmr_message(
        HmrProtocol::vite, R"({"type":"update","updates":[{"type":"js-update","timestamp":1,)"
                           R"("path":"/src/App.tsx","acceptedPath":"/src/App.tsx"}]})");
    CHECK(update.kind == HmrSignalKind::update);
    CHECK(update.detail == "update");
    CHECK(classify_hmr_message(HmrProtocol::vite, R"({"type":"full-reload","path":"*"})").kind ==
          HmrSignalKind::update);
    HmrSignal error = classify_hmr_message(
        HmrProtocol::vite,
        R"({"type":"error","err":{"message":"\u001b[31mTransform failed with 1 error:\nsrc/a.tsx:2:5: ERROR: Expected \";\"","stack":""}})");
    CHECK(error.kind == HmrSignalKind::error);
    CHECK(error.detail == "Transform failed with 1 error:");
    CHECK(classify_hmr_message(HmrProtocol::vite, R"({"type":"ping"})").kind ==
          HmrSignalKind::other);
    CHECK(classify_hmr_message(HmrProtocol::vite, "not json").kind == HmrSignalKind::other);
}

TEST_CASE("dev::classify_hmr_message: Next.js webpack and Turbopack") {
    CHECK(classify_hmr_message(HmrProtocol::next_webpack, R"({"action":"building"})").kind ==
          HmrSignalKind::other);
    HmrSignal built = classify_hmr_message(
        HmrProtocol::next_webpack,
        R"({"action":"built","hash":"a1b2","warnings":[],"errors":[],"updatedModules":[]})");
    CHECK(built.kind == HmrSignalKind::update);
    CHECK(built.detail == "built");
    HmrSignal broken = classify_hmr_message(
        HmrProtocol::next_webpack,
        R"({"action":"sync","hash":"c3","warnings":[],"errors":["./app/page.tsx\nError:   x Unexpected token"]})");
    CHECK(broken.kind == HmrSignalKind::error);
    CHECK(broken.detail == "./app/page.tsx");
    CHECK(classify_hmr_message(HmrProtocol::next_webpack,
                               R"({"action":"serverComponentChanges","hash":"x"})")
              .kind == HmrSignalKind::update);
    CHECK(classify_hmr_message(HmrProtocol::next_turbopack,
                               R"({"action":"turbopack-message","data":{"type":"partial"}})")
              .kind == HmrSignalKind::update);
    CHECK(classify_hmr_message(HmrProtocol::next_turbopack,
                               R"({"action":"turbopack-connected","data":{"sessionId":1}})")
              .kind == HmrSignalKind::other);
    CHECK(std::string(hmr_protocol_name(HmrProtocol::next_webpack)) == "next-webpack-hmr");
}

// The name an update keeps in the JSON and the history: the socket, then the type or action as
// the server sent it.
namespace {

std::string update_name(HmrProtocol protocol, const std::string& message) {
    HmrSignal signal = classify_hmr_message(protocol, message);
    REQUIRE(signal.kind == HmrSignalKind::update);
    return hmr_message_name(protocol, signal.detail);
}

} // namespace

TEST_CASE("dev::hmr_message_name names the message that stopped the HMR clock") {
    CHECK(update_name(HmrProtocol::vite,
                      R"({"type":"update","updates":[{"type":"js-update","timestamp":1,)"
                      R"("path":"/src/App.tsx","acceptedPath":"/src/App.tsx"}]})") ==
          "vite:update");
    CHECK(update_name(HmrProtocol::vite, R"({"type":"full-reload","path":"*"})") ==
          "vite:full-reload");
    CHECK(update_name(HmrProtocol::next_webpack,
                      R"({"action":"built","hash":"a1b2","warnings":[],"errors":[],)"
                      R"("updatedModules":[]})") == "next:built");
    CHECK(update_name(HmrProtocol::next_webpack,
                      R"({"action":"sync","hash":"c3","warnings":[],"errors":[]})") == "next:sync");
    CHECK(update_name(HmrProtocol::next_webpack,
                      R"({"action":"serverComponentChanges","hash":"x"})") ==
          "next:serverComponentChanges");
    CHECK(update_name(HmrProtocol::next_turbopack,
                      R"({"action":"turbopack-message","data":{"type":"partial"}})") ==
          "turbopack:turbopack-message");
    // A Turbopack page without chunk lists: its "built" (classified as webpack's) keeps the
    // name of the socket it came on.
    HmrSignal built = classify_hmr_message(HmrProtocol::next_webpack, R"({"action":"built"})");
    CHECK(hmr_message_name(HmrProtocol::next_turbopack, built.detail) == "turbopack:built");
}

TEST_CASE("dev::HmrListener::connect gives nothing where no dev server listens") {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    int port = ntohs(address.sin_port);
    close(fd); // bound, never listened: the port is closed
    CHECK_FALSE(HmrListener::connect("http://127.0.0.1:" + std::to_string(port) + "/", 0.5));
    CHECK_FALSE(HmrListener::connect("not a url", 0.5));
}

TEST_CASE("dev::classify_hmr_message: a message nested 100,000 deep is nothing, not a crash") {
    // Its error text would be printed (json::dump) by recursion.
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(classify_hmr_message(HmrProtocol::vite, R"({"type":"error","err":)" + deep + "}").kind ==
          HmrSignalKind::other);
}
