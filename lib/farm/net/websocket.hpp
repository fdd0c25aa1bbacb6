// A WebSocket client (RFC 6455) over a plain TCP connection: what farm needs to listen to a dev
// server's hot-reload socket (Vite, Next.js) and to drive Chromium through the DevTools protocol,
// both on this machine.
//
// Guarantees: the opening handshake is checked (status 101 and the server's
// Sec-WebSocket-Accept for the key sent); every frame farm sends is masked, as a client's must
// be; pings are answered with pongs while receiving; fragmented messages are joined. Errors
// (refused, closed, a malformed frame, a message over 64 MiB) throw farm::NetworkError naming the
// URL. ws:// only: wss:// would need TLS, and local dev servers speak plain ws://.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::net {

class WebSocket {
  public:
    // Connects to `url` (ws://host[:port]/path?query) and completes the opening handshake within
    // `timeout_s`; `protocol`, when not empty, is sent as Sec-WebSocket-Protocol. Extra header
    // lines ("Origin: ...") may be given in `headers`, each without its line break.
    WebSocket(const std::string& url, const std::string& protocol, double timeout_s,
              const std::vector<std::string>& headers = {});
    ~WebSocket();
    WebSocket(const WebSocket&) = delete;
    WebSocket& operator=(const WebSocket&) = delete;

    void send_text(std::string_view text);
    // The next text (or binary) message, waiting at most `timeout_s`; nothing when none came in
    // time. Throws farm::NetworkError when the server closed the connection.
    std::optional<std::string> receive(double timeout_s);
    const std::string& url() const { return m_url; }

  private:
    void handshake(const std::string& host_header, const std::string& path,
                   const std::string& protocol, const std::vector<std::string>& headers,
                   double timeout_s);
    // Reads what the socket has, waiting at most `timeout_ms`; false when nothing came.
    bool read_some(int timeout_ms);
    // One whole frame from m_buffer, when it holds one.
    bool take_frame(int& opcode, bool& fin, std::string& payload);
    void send_frame(int opcode, std::string_view payload);
    void write_all(std::string_view bytes);

    std::string m_url;
    int m_fd = -1;
    std::string m_buffer;  // bytes read, not yet parsed
    std::string m_pending; // a fragmented message so far
};

// The Sec-WebSocket-Accept a server must answer to `key` (base64 of SHA-1 of key + GUID).
std::string websocket_accept_for(const std::string& key);
// A Sec-WebSocket-Key: base64 of the 16 bytes of the two random numbers.
std::string websocket_new_key(std::uint64_t random_high, std::uint64_t random_low);

} // namespace farm::net
