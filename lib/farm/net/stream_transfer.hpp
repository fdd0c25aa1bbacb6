// The state of one request of a StreamClient (internal to net/): the copy of the request, the
// caller's handlers, the outcome being filled and the waits farm times itself (first byte, first
// content), and what carries it: a curl easy handle, or on the plain-HTTP path (plain_http.hpp)
// farm's own connection and response reader. stream_client.cpp drives transfers;
// stream_transfer.cpp holds curl's callbacks and turns curl's result into a classified outcome;
// stream_plain.cpp drives the plain path.
#pragma once

#include "farm/net/easy_setup.hpp"
#include "farm/net/http1_response.hpp"
#include "farm/net/plain_http.hpp"
#include "farm/net/stream_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>

namespace farm::net {

struct StreamClient::Transfer final : Http1ResponseSink {
    CURL* easy = nullptr; // made when a request first needs curl
    HeaderList headers;
    HttpRequest request; // curl reads the URL and body from here
    // The handle holds the full set-up of `request` (configure_request and the callbacks), so a
    // next request that differs only in its body needs only that (same_except_body).
    bool configured = false;
    StreamHandlers handlers;
    StreamOutcome outcome;
    std::optional<SteadyTime> first_byte_deadline;
    double first_byte_timeout_s = 0;
    // Cleared once handlers.has_content() said yes (checked when the deadline comes).
    std::optional<SteadyTime> first_content_deadline;
    double first_content_timeout_s = 0;
    std::string error_body; // the start of a non-2xx body, for the message
    bool reader_stopped = false;
    char error[CURL_ERROR_SIZE] = {};

    // The plain-HTTP path: `plain` is set while the request goes without curl.
    std::optional<PlainTarget> plain;
    std::string plain_head_start; // request_head_start() of `request`, kept like `configured`
    bool plain_configured = false;
    std::string plain_head;     // this request's whole head
    std::size_t plain_sent = 0; // bytes of the head and the body written
    std::unique_ptr<PlainConnection> connection;
    Http1ResponseReader reader;
    bool reused_connection = false; // the connection was kept from an earlier request
    bool retried = false;           // a kept connection had died: sent again on a new one
    std::optional<SteadyTime> connected_at;
    std::optional<SteadyTime> connect_deadline;
    std::optional<SteadyTime> total_deadline;
    bool plain_ended = false; // the outcome is set; complete() comes next
    SteadyTime reading_at;    // when the bytes being read arrived

    ~Transfer();

    // curl's CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION; `self` is the Transfer.
    static std::size_t header_from_curl(char* data, std::size_t size, std::size_t count,
                                        void* self);
    static std::size_t body_from_curl(char* data, std::size_t size, std::size_t count, void* self);
    // The plain path's reader hands the response here (Http1ResponseSink).
    void on_head(int status) override;
    bool on_body(std::string_view piece) override;

    // Both paths: the final head's status reached the caller; a piece of the body arrived at
    // `at`. False: the caller's handler refused it (or threw), and the transfer must stop.
    bool take_head();
    bool take_body(std::string_view piece, SteadyTime at);

    // "openai at " for a request with a peer name, "" without: how messages name the server.
    std::string peer_for_messages() const;

    // The outcome's failure and message from curl's result code.
    void classify(int curl_code);
    // For a response that came whole: http_status with its quoted start when not 2xx.
    void classify_status();
    // What curl knows of the connection once the transfer ended: new or reused, its set-up time,
    // the HTTP version spoken.
    void read_connection_facts();
};

} // namespace farm::net
