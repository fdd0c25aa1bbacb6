// The state of one request of a StreamClient (internal to net/): its curl easy handle, the copy of
// the request curl reads from, the caller's handlers, the outcome being filled and the waits farm
// times itself (first byte, first content). stream_client.cpp drives transfers;
// stream_transfer.cpp holds curl's callbacks and turns curl's result into a classified outcome.
#pragma once

#include "farm/net/easy_setup.hpp"
#include "farm/net/stream_client.hpp"

#include <curl/curl.h>

#include <optional>
#include <string>

namespace farm::net {

struct StreamClient::Transfer {
    CURL* easy = nullptr;
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

    ~Transfer();

    // curl's CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION; `self` is the Transfer.
    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);

    // The outcome's failure and message from curl's result code.
    void classify(int curl_code);
    // What curl knows of the connection once the transfer ended: new or reused, its set-up time,
    // the HTTP version spoken.
    void read_connection_facts();
};

} // namespace farm::net
