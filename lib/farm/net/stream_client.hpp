// Many HTTP requests at once on one thread, each answer handed over piece by piece as it arrives.
//
// A StreamClient owns one curl multi handle. start() adds a request and returns at once; poll()
// waits (epoll through curl's socket interface, stream_events.hpp: no busy loop, and only the
// transfers whose sockets are ready are visited) until a transfer ends, a deadline passes or a
// wake-up file descriptor becomes readable, calling each request's handlers on the way: on_headers
// with the status once the response head is complete, on_body with every piece of the body and the
// steady_clock time it arrived, on_done exactly once with the outcome. The AI load generator
// builds on it; it knows nothing of SSE or JSON.
//
// Guarantees:
// - Connections are kept alive and reused across requests to the same server (the multi handle's
//   connection cache), easy handles and their buffers are recycled: memory stays flat however
//   many requests go through one client. A recycled handle keeps its curl set-up when the next
//   request differs only in its body (easy_setup.hpp: same_except_body).
// - Every started request ends in exactly one on_done call: a response (any status), a failure
//   classified as connect, http_status, timeout, stream_error, incomplete or cancelled.
// - Messages name the URL without credentials (url_for_messages) and never contain request
//   headers; the quoted start of an error response's body has secrets redacted.
// - Proxies come from the environment (never for a loopback URL) and TLS is verified, as curl
//   does by default; HTTP/1.1 unless the request asks for HTTP/2 (easy_setup.hpp), the version
//   spoken recorded in each outcome.
// - A plain http:// request to an IP address that no proxy applies to goes over farm's own
//   HTTP/1.1 connections (plain_http.hpp: libcurl's own work per request was most of farm's CPU
//   against a fast server), everything else through curl; both end a request with the same
//   failure class (the wording of a connect error differs), and the same bytes reach the server.
// - Not thread-safe: one thread drives a client. on_headers and on_body run inside curl and must
//   not call start() or cancel() (on_body returns false to stop its own transfer); on_done may.
#pragma once

#include "farm/net/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace farm::net {

using SteadyTime = std::chrono::steady_clock::time_point;
class StreamEvents; // stream_events.hpp
using TransferId = std::uint64_t;

enum class StreamFailure {
    none,
    connect,      // no connection: refused, unresolvable, connect timeout, unusable URL
    http_status,  // a complete response with a status outside 2xx
    timeout,      // no first byte in time, total timeout, or cancelled by a deadline
    stream_error, // the reader refused the body (on_body returned false)
    incomplete,   // the connection broke before the response was complete
    cancelled,    // cancel() without a deadline: an interrupt, the caller gave up
};

// "connect", "http_status", "timeout", "stream_error", "incomplete", "cancelled"; "" for none.
std::string_view to_string(StreamFailure failure);

struct StreamOutcome {
    TransferId id = 0;
    int status = 0; // 0 when no response head arrived
    StreamFailure failure = StreamFailure::none;
    std::string message;                  // empty when failure == none
    SteadyTime sent;                      // when start() handed the request to curl
    std::optional<SteadyTime> first_byte; // first byte of the response head
    SteadyTime done;
    std::uint64_t body_bytes = 0;
    bool new_connection = false; // false: it went over a kept-alive connection
    // A new connection's set-up, from the start of the transfer: name resolution, TCP connect
    // and TLS handshake (curl's APPCONNECT_TIME, else CONNECT_TIME). Absent on a reused one.
    std::optional<double> connect_ms;
    std::string http_version; // of the response: "1.1", "2"...; empty without one

    bool ok() const { return failure == StreamFailure::none; }
};

struct StreamHandlers {
    std::function<void(int status)> on_headers;
    // Every piece of the body of every response (error responses included), in order. Return
    // false to stop the transfer: it ends as stream_error.
    std::function<bool(std::string_view piece, SteadyTime at)> on_body;
    std::function<void(const StreamOutcome& outcome)> on_done;
    // With StreamTimeouts::first_content_s: whether the reader has seen content yet (asked when
    // that deadline comes; the client knows bytes, not what they mean).
    std::function<bool()> has_content;
};

struct StreamTimeouts {
    // No byte of the response within this many seconds of start(): timeout. 0: none.
    double first_byte_s = 0;
    // No content within this many seconds of start() (has_content() still false): timeout. A
    // server may send its response head at once and the first token much later. 0: none.
    double first_content_s = 0;
    // The connect and total timeouts are the request's own (HttpRequest).
};

// How busy the thread that drives a StreamClient was: a stretch runs from one return of the
// wait for sockets to the next wait, and holds everything the thread did in between (reading
// sockets, decoding chunks, starting requests). Data that arrives during a stretch waits until it
// ends, so a stretch's length is the most any chunk was read late: the event loop's lag.
struct LoopLoad {
    double busy_s = 0;             // the stretches' sum
    double longest_ms = 0;         // the longest stretch
    std::size_t stretches = 0;     // how many
    std::vector<float> stretch_ms; // each stretch, up to max_kept (then the rest only counted)
    static constexpr std::size_t max_kept = 1000000;
};

// Which requests may skip curl: plain_where_possible (see above), or curl for every request (for
// the tests that hold both paths to the same outcomes).
enum class StreamTransport { plain_where_possible, curl_only };

struct PlainConnection; // plain_http.hpp

class StreamClient {
  public:
    // keep_alive_connections: how many idle connections the client keeps open for reuse; give at
    // least the number of requests you run at once.
    explicit StreamClient(std::size_t keep_alive_connections = 64,
                          StreamTransport transport = StreamTransport::plain_where_possible);
    ~StreamClient(); // cancels what is still running, without calling on_done
    StreamClient(const StreamClient&) = delete;
    StreamClient& operator=(const StreamClient&) = delete;

    // Starts a request now (its `sent` time). Throws farm::UsageError for a request that cannot
    // be sent (see check_request), farm::NetworkError when curl cannot take it.
    TransferId start(const HttpRequest& request, StreamTimeouts timeouts, StreamHandlers handlers);

    // Drives the transfers until at least one has ended (its on_done was called), `until` has
    // passed or `wake_fd` (when >= 0) is readable; with nothing running it just waits for the
    // latter two. Returns how many ended.
    std::size_t poll(SteadyTime until, int wake_fd = -1);

    // Ends a running request now with this failure (timeout or cancelled) and calls its on_done.
    // Unknown or ended ids are ignored. Returns whether one was cancelled.
    bool cancel(TransferId id, StreamFailure why, const std::string& message);
    // Cancels every running request; returns how many.
    std::size_t cancel_all(StreamFailure why, const std::string& message);

    std::size_t running() const;

    // How many requests were sent on a handle that kept its set-up from the one before (only
    // the body set again: same endpoint, headers and timeouts); for tests and profiles.
    std::size_t setups_kept() const { return m_setups_kept; }
    // How many requests went on the plain-HTTP path (the rest went through curl).
    std::size_t plain_requests() const { return m_plain_requests; }

    // The loop's load since the last reset_loop_load(); end_busy_stretch() closes the stretch
    // running now (the caller's work since the last wait), so that a phase's last is counted.
    const LoopLoad& loop_load() const { return m_loop; }
    void reset_loop_load();
    void end_busy_stretch();

  private:
    struct Transfer;
    struct Expiry {
        StreamFailure failure;
        std::string message;
    };
    std::unique_ptr<Transfer> take_transfer();
    void copy_request(Transfer& transfer, const HttpRequest& request, StreamTimeouts timeouts);
    void start_with_curl(std::unique_ptr<Transfer>& transfer);
    void finish(Transfer& transfer, int curl_code);
    std::size_t collect_finished();
    std::size_t expire_waits(SteadyTime now);
    std::optional<Expiry> expired_wait(Transfer& transfer, SteadyTime now);
    SteadyTime next_wake(SteadyTime until) const;
    void complete(Transfer& transfer);
    void set_up_handle(Transfer& transfer, bool keeps_setup);

    // The plain-HTTP path (stream_plain.cpp).
    void prepare_plain(Transfer& transfer, bool keeps_setup);
    void launch_plain(Transfer& transfer);
    void connect_plain(Transfer& transfer);
    void send_plain(Transfer& transfer);
    void read_plain(Transfer& transfer);
    void run_plain_ready();
    void on_plain_ready(int socket, std::uint32_t events);
    void retry_or_fail(Transfer& transfer, const std::string& detail);
    void end_plain(Transfer& transfer, StreamFailure failure, std::string message);
    void release_connection(Transfer& transfer, bool keep);
    void watch_output(PlainConnection& connection, bool output);
    void plain_connection_facts(Transfer& transfer);
    std::size_t complete_plain_ended();

    void* m_multi = nullptr; // CURLM*
    std::unique_ptr<StreamEvents> m_events;
    std::vector<std::unique_ptr<Transfer>> m_running;
    std::vector<std::unique_ptr<Transfer>> m_idle;
    TransferId m_next_id = 1;
    std::size_t m_setups_kept = 0;
    std::size_t m_plain_requests = 0;
    bool m_inside_handlers =
        false; // on_headers and on_body are running (curl's or the plain path's)
    LoopLoad m_loop;
    std::optional<SteadyTime> m_busy_since; // when the thread last woke from a wait

    StreamTransport m_transport;
    std::size_t m_keep_alive;
    std::vector<std::unique_ptr<PlainConnection>> m_plain_idle; // kept for the next request
    std::vector<Transfer*> m_plain_owner;  // by socket number: who uses it (null: idle or none)
    std::vector<TransferId> m_plain_ended; // outcomes set inside a read, completed after it
    std::unique_ptr<char[]> m_read_buffer;
};

} // namespace farm::net
