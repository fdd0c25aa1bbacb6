// curl's callbacks for one StreamClient transfer, and what its end means: the outcome's failure
// class and message from curl's result code, and the facts of the connection it used (new or
// reused, set-up time, HTTP version) read from curl once the transfer ended.
#include "farm/net/stream_transfer.hpp"

#include "farm/net/curl_library.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <chrono>
#include <cstdlib>

namespace farm::net {

namespace {

constexpr std::size_t error_body_limit = 300; // bytes of an error response quoted in messages

std::string one_line(std::string_view text) {
    std::string line;
    for (char c : text) {
        line += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
    }
    std::size_t end = line.find_last_not_of(' ');
    return end == std::string::npos ? std::string() : line.substr(0, end + 1);
}

// CURLINFO_HTTP_VERSION as text: "1.0", "1.1", "2", "3"; "" before a response.
std::string http_version_text(long version) {
    switch (version) {
    case CURL_HTTP_VERSION_1_0:
        return "1.0";
    case CURL_HTTP_VERSION_1_1:
        return "1.1";
    case CURL_HTTP_VERSION_2_0:
        return "2";
    case CURL_HTTP_VERSION_3:
        return "3";
    default:
        return "";
    }
}

} // namespace

std::string_view to_string(StreamFailure failure) {
    switch (failure) {
    case StreamFailure::none:
        return "";
    case StreamFailure::connect:
        return "connect";
    case StreamFailure::http_status:
        return "http_status";
    case StreamFailure::timeout:
        return "timeout";
    case StreamFailure::stream_error:
        return "stream_error";
    case StreamFailure::incomplete:
        return "incomplete";
    case StreamFailure::cancelled:
        return "cancelled";
    }
    return "";
}

StreamClient::Transfer::~Transfer() {
    if (easy != nullptr) {
        curl().easy_cleanup(easy);
    }
}

std::size_t StreamClient::Transfer::header_from_curl(char* data, std::size_t size,
                                                     std::size_t count, void* self) {
    Transfer& transfer = *static_cast<Transfer*>(self);
    std::size_t length = size * count;
    if (!transfer.outcome.first_byte) {
        transfer.outcome.first_byte = std::chrono::steady_clock::now();
    }
    std::string_view line(data, length);
    if (line.starts_with("HTTP/")) {
        std::size_t space = line.find(' ');
        transfer.outcome.status = space == std::string_view::npos
                                      ? 0
                                      : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    } else if ((line == "\r\n" || line == "\n") && transfer.outcome.status >= 200) {
        // The end of the final head (a 100 Continue head is followed by another one).
        if (!transfer.take_head()) {
            return 0;
        }
    }
    return length;
}

std::size_t StreamClient::Transfer::body_from_curl(char* data, std::size_t size, std::size_t count,
                                                   void* self) {
    Transfer& transfer = *static_cast<Transfer*>(self);
    std::size_t length = size * count;
    return transfer.take_body(std::string_view(data, length), std::chrono::steady_clock::now())
               ? length
               : 0;
}

void StreamClient::Transfer::on_head(int status) {
    outcome.status = status;
    take_head(); // a refusal stops the reader at the body's first piece
}

bool StreamClient::Transfer::on_body(std::string_view piece) {
    return !reader_stopped && take_body(piece, reading_at);
}

bool StreamClient::Transfer::take_head() {
    if (handlers.on_headers) {
        try {
            handlers.on_headers(outcome.status);
        } catch (...) {
            // Exceptions must not cross curl's C frames.
            reader_stopped = true;
            return false;
        }
    }
    return true;
}

bool StreamClient::Transfer::take_body(std::string_view piece, SteadyTime at) {
    outcome.body_bytes += piece.size();
    if (outcome.status >= 300 && error_body.size() < error_body_limit) {
        error_body.append(piece.substr(0, error_body_limit - error_body.size()));
    }
    if (handlers.on_body) {
        bool go_on = false;
        try {
            go_on = handlers.on_body(piece, at);
        } catch (...) {
        }
        if (!go_on) {
            reader_stopped = true;
            return false;
        }
    }
    return true;
}

void StreamClient::Transfer::classify(int curl_code) {
    auto code = static_cast<CURLcode>(curl_code);
    if (code == CURLE_OK && outcome.status >= 200 && outcome.status < 300) {
        // The common case, once per request: no message, so none of the redaction passes below.
        return;
    }
    std::string url = url_for_messages(request.url);
    std::string peer = peer_for_messages();
    std::string detail = error[0] != '\0' ? std::string(error) : curl().easy_strerror(code);
    detail = core::redact_secrets(one_line(detail));
    curl_off_t connected_after_us = 0;
    curl().easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_after_us);

    switch (code) {
    case CURLE_OK:
        classify_status();
        break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        outcome.failure = StreamFailure::connect;
        outcome.message = "'" + url + "' is not a usable http or https URL: " + detail;
        break;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        outcome.failure = StreamFailure::connect;
        outcome.message = "cannot reach " + peer + origin_for_messages(request.url) + ": " + detail;
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        // Before any answer: the server was never reached as a trusted peer.
        outcome.failure = StreamFailure::connect;
        outcome.message = "no TLS connection to " + peer + origin_for_messages(request.url) + ": " +
                          detail +
                          " (a server with its own or a company's CA: name the CA bundle in "
                          "CURL_CA_BUNDLE or SSL_CERT_FILE)";
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (connected_after_us == 0) {
            outcome.failure = StreamFailure::connect;
            outcome.message =
                "cannot reach " + peer + origin_for_messages(request.url) + ": " + detail;
        } else {
            outcome.failure = StreamFailure::timeout;
            outcome.message = "no complete answer from " + peer + url + " within " +
                              core::seconds_text(request.total_timeout_s);
        }
        break;
    case CURLE_WRITE_ERROR:
        if (reader_stopped) {
            outcome.failure = StreamFailure::stream_error;
            outcome.message = "the reader stopped the answer from " + peer + url;
            break;
        }
        [[fallthrough]];
    default:
        outcome.failure = StreamFailure::incomplete;
        outcome.message = "the answer from " + peer + url + " broke off: " + detail;
        break;
    }
}

std::string StreamClient::Transfer::peer_for_messages() const {
    return request.peer_name.empty() ? "" : request.peer_name + " at ";
}

void StreamClient::Transfer::classify_status() {
    if (outcome.status >= 200 && outcome.status < 300) {
        return;
    }
    std::string peer = peer_for_messages();
    outcome.failure = StreamFailure::http_status;
    outcome.message =
        "HTTP " + std::to_string(outcome.status) + " from " + peer + url_for_messages(request.url);
    std::string quoted = core::redact_secrets(one_line(error_body));
    if (!quoted.empty()) {
        outcome.message += ": " + quoted;
    }
}

void StreamClient::Transfer::read_connection_facts() {
    long connects = 0;
    curl().easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    outcome.new_connection = connects > 0;
    outcome.connect_ms.reset();
    if (outcome.new_connection) {
        // Both are from the start of the transfer, name resolution included; the TLS handshake
        // ends after the TCP connect, so APPCONNECT (0 without TLS) is the later of the two.
        curl_off_t connected_us = 0;
        curl_off_t handshaken_us = 0;
        curl().easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_us);
        curl().easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &handshaken_us);
        curl_off_t set_up_us = std::max(connected_us, handshaken_us);
        if (set_up_us > 0) {
            outcome.connect_ms = double(set_up_us) / 1000.0;
        }
    }
    long version = 0;
    curl().easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    outcome.http_version = http_version_text(version);
}

} // namespace farm::net
