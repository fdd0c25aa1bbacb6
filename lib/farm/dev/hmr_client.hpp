// The dev server's hot-reload socket, listened to the way its own browser client listens: the
// moment the server tells its clients "this module changed" is the HMR clock of a reload.
//
// Vite (6): ws://HOST:PORT/ with the sub-protocol `vite-hmr` (no Origin header is sent, so Vite
// asks for no token); the server greets with {"type":"connected"} and announces edits with
// {"type":"update"} or {"type":"full-reload"}, failures with {"type":"error"}.
// Next.js (webpack): ws://HOST:PORT/_next/webpack-hmr; edits end with {"action":"built"} or
// {"action":"sync"}, whose `errors` list is not empty when the edit did not compile; server
// component edits send {"action":"serverComponentChanges"}. With Turbopack the server says
// {"action":"turbopack-connected"} first and sends {"action":"turbopack-message"} updates of the
// chunk lists a client subscribed to: the listener subscribes to those of the page, as the
// browser does (next_hmr.hpp), and its clock stops at the update of one of them; Turbopack's
// "built" then only ends a reload when the page had no chunk list to subscribe to.
//
// Guarantees: connect() gives nothing (never throws) for a server that speaks neither; a
// listener sends only what the server's own browser client sends (pongs; Turbopack's
// subscriptions; webpack's keep-alive pings every 2.5 s), so it changes nothing in the server
// that a browser would not. Pings, from either side, are never taken for an update.
#pragma once

#include "farm/net/websocket.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace farm::dev {

enum class HmrSignalKind {
    update, // the server told its clients what changed
    error,  // the server told its clients that the change does not compile
    other,  // a greeting, a "building", a ping: not the end of a reload
};

struct HmrSignal {
    HmrSignalKind kind = HmrSignalKind::other;
    std::string detail; // the message type ("update", "built"), or the error's first line
};

enum class HmrProtocol { vite, next_webpack, next_turbopack };

// What one message of the socket means. Pure: unit-tested on the servers' real messages.
HmrSignal classify_hmr_message(HmrProtocol protocol, const std::string& message);

// "vite-hmr", "next-webpack-hmr", "next-turbopack-hmr".
const char* hmr_protocol_name(HmrProtocol protocol);

// The name of an update message, for the JSON and the history: the server's socket, a colon,
// and the message's type (Vite) or action (Next.js) as the server sent it. The socket is "vite",
// "next" (webpack) or "turbopack": "vite:update", "vite:full-reload", "next:built", "next:sync",
// "next:serverComponentChanges", "turbopack:turbopack-message", "turbopack:built" (a Turbopack
// page with no chunk list). `type` is the `detail` of an update HmrSignal.
std::string hmr_message_name(HmrProtocol protocol, const std::string& type);

class HmrListener {
  public:
    // Connects to the HMR socket of the dev server that serves `page_url`
    // (http://localhost:5173/...), trying Vite's and then Next.js's; nothing when neither answers
    // within `timeout_s` each.
    static std::unique_ptr<HmrListener> connect(const std::string& page_url, double timeout_s);

    HmrProtocol protocol() const { return m_protocol; }
    // Turbopack: the chunk lists of the page this listener subscribed to.
    std::size_t subscriptions() const { return m_subscriptions; }
    // Forgets every message that came so far (what a server says on connecting or after an
    // earlier reload must not end the next one).
    void drain();
    // The next update or error signal, waiting at most `wait_s`, with the moment it was read.
    // Throws farm::NetworkError when the server closed the socket.
    std::optional<std::pair<HmrSignal, std::chrono::steady_clock::time_point>> next(double wait_s);

  private:
    HmrListener(std::unique_ptr<net::WebSocket> socket, HmrProtocol protocol, std::string page_url)
        : m_socket(std::move(socket)), m_protocol(protocol), m_page_url(std::move(page_url)) {}

    // Turbopack: subscribes to the chunk lists the page loads.
    void subscribe_to_page(double timeout_s);
    // Webpack: the browser client's ping, when 2.5 s have passed since the last.
    void keep_alive();
    HmrSignal classify(const std::string& message) const;

    std::unique_ptr<net::WebSocket> m_socket;
    HmrProtocol m_protocol;
    std::string m_page_url;
    std::size_t m_subscriptions = 0;
    std::chrono::steady_clock::time_point m_last_ping{};
};

} // namespace farm::dev
