// A Transfer owns one curl easy handle configured from an HttpRequest (easy_setup.hpp, shared
// with the StreamClient) and collects the answer into an HttpResponse; send() performs it with
// curl_easy_perform and turns curl's result code into a response or an error.
#include "farm/net/http_client.hpp"

#include "farm/net/curl_library.hpp"
#include "farm/net/easy_setup.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <new>

namespace farm::net {

namespace {

// "https://user:pw@host:8080/a?b" -> where the host part starts and ends (after the credentials).
std::pair<std::size_t, std::size_t> authority_bounds(std::string_view url) {
    std::size_t scheme_end = url.find("://");
    std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    std::size_t end = url.find_first_of("/?#", start);
    return {start, end == std::string_view::npos ? url.size() : end};
}

struct EasyDeleter {
    void operator()(CURL* easy) const { curl().easy_cleanup(easy); }
};

class Transfer {
  public:
    explicit Transfer(HttpRequest request) : m_request(std::move(request)) {
        check_request(m_request);
        m_easy.reset(initialised_curl().easy_init());
        if (!m_easy) {
            throw NetworkError("cannot create a libcurl handle (out of memory?)");
        }
        configure();
    }

    // curl keeps pointers to this object (callbacks) and into it (URL, body, error buffer).
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    CURL* handle() const { return m_easy.get(); }

    // Turns curl's verdict on the finished transfer into the response, or throws.
    HttpResponse finish(CURLcode code) {
        if (code != CURLE_OK) {
            throw_for(code);
        }
        long status = 0;
        curl().easy_getinfo(m_easy.get(), CURLINFO_RESPONSE_CODE, &status);
        m_response.status = static_cast<int>(status);
        return std::move(m_response);
    }

  private:
    template <typename T>
    void set(CURLoption option, T value) {
        CURLcode code = curl().easy_setopt(m_easy.get(), option, value);
        if (code != CURLE_OK) {
            throw NetworkError(std::string("cannot set up the request to ") +
                               url_for_messages(m_request.url) + ": " + curl().easy_strerror(code));
        }
    }

    void configure() {
        configure_request(m_easy.get(), m_request, m_headers, m_error);
        set(CURLOPT_WRITEFUNCTION, &Transfer::on_body);
        set(CURLOPT_WRITEDATA, this);
        set(CURLOPT_HEADERFUNCTION, &Transfer::on_header);
        set(CURLOPT_HEADERDATA, this);
    }

    // Callbacks must not let an exception cross curl's C frames; a short count makes curl stop
    // the transfer with CURLE_WRITE_ERROR instead.
    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
        try {
            static_cast<Transfer*>(self)->m_response.body.append(data, size * count);
        } catch (const std::bad_alloc&) {
            return 0;
        }
        return size * count;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
        HttpHeaders& headers = static_cast<Transfer*>(self)->m_response.headers;
        std::string_view line(data, size * count);
        try {
            if (line.starts_with("HTTP/")) {
                // A new status line: what came before was a 100 Continue or a proxy's answer.
                headers.clear();
            } else if (std::size_t colon = line.find(':'); colon != std::string_view::npos) {
                headers.emplace_back(std::string(core::trim_blanks(line.substr(0, colon))),
                                     std::string(core::trim_blanks(line.substr(colon + 1))));
            }
        } catch (const std::bad_alloc&) {
            return 0;
        }
        return size * count;
    }

    [[noreturn]] void throw_for(CURLcode code) const {
        std::string detail = m_error[0] != '\0' ? std::string(m_error) : curl().easy_strerror(code);
        detail = core::redact_secrets(std::string(core::trim_blanks(detail)));
        std::string peer = m_request.peer_name.empty() ? "" : m_request.peer_name + " at ";
        std::string url = url_for_messages(m_request.url);

        curl_off_t connected_after_us = 0;
        curl().easy_getinfo(m_easy.get(), CURLINFO_CONNECT_TIME_T, &connected_after_us);
        switch (code) {
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw UsageError("'" + url + "' is not a usable http or https URL: " + detail);
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            throw NetworkError("cannot reach " + peer + origin_for_messages(m_request.url) + ": " +
                               detail);
        case CURLE_OPERATION_TIMEDOUT:
            if (connected_after_us == 0) {
                throw NetworkError("cannot reach " + peer + origin_for_messages(m_request.url) +
                                   ": " + detail);
            }
            throw NetworkError("no complete answer from " + peer + url + " within " +
                               core::seconds_text(m_request.total_timeout_s) + ": " + detail);
        default:
            throw NetworkError("the " + m_request.method + " request to " + peer + url +
                               " failed: " + detail);
        }
    }

    HttpRequest m_request; // a copy: curl reads the body from it (POSTFIELDS is not copied)
    std::unique_ptr<CURL, EasyDeleter> m_easy;
    HeaderList m_headers;
    char m_error[CURL_ERROR_SIZE] = {};
    HttpResponse m_response;
};

} // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (core::equals_ignoring_case(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

HttpResponse send(const HttpRequest& request) {
    Transfer transfer(request);
    return transfer.finish(curl().easy_perform(transfer.handle()));
}

std::string url_for_messages(std::string_view url) {
    auto [start, end] = authority_bounds(url);
    std::size_t at = url.substr(0, end).rfind('@');
    std::string display(url);
    if (at != std::string_view::npos && at >= start) {
        display.erase(start, at + 1 - start);
    }
    return core::redact_secrets(display);
}

std::string percent_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[byte >> 4];
            encoded += hex[byte & 0x0F];
        }
    }
    return encoded;
}

} // namespace farm::net
