#include "farm/net/easy_setup.hpp"

#include "farm/net/curl_library.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"
#include "farm/core/version.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string>

namespace farm::net {

namespace {

// As the curl tool does: a CA bundle named by CURL_CA_BUNDLE, else SSL_CERT_FILE, is trusted
// instead of the system's (a company's CA, a local server's own certificate). Null: the system's.
const char* ca_bundle_from_environment() {
    for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
        const char* value = std::getenv(name);
        if (value && *value) {
            return value;
        }
    }
    return nullptr;
}

long to_milliseconds(double seconds) {
    if (seconds <= 0) {
        return 0;
    }
    return std::max(1L, std::lround(seconds * 1000));
}

void set_option_or_throw(CURL* easy, const HttpRequest& request, CURLoption option,
                         const auto& value) {
    CURLcode code = curl().easy_setopt(easy, option, value);
    if (code != CURLE_OK) {
        throw NetworkError(std::string("cannot set up the request to ") +
                           url_for_messages(request.url) + ": " + curl().easy_strerror(code));
    }
}

class Configurer {
  public:
    Configurer(CURL* easy, const HttpRequest& request, HeaderList& headers)
        : m_easy(easy), m_request(request), m_headers(headers) {}

    template <typename T>
    void set(CURLoption option, T value) {
        set_option_or_throw(m_easy, m_request, option, value);
    }

    void add_header_line(const std::string& line) {
        curl_slist* list = curl().slist_append(m_headers.get(), line.c_str());
        if (list == nullptr) {
            throw NetworkError("cannot build the HTTP request headers (out of memory?)");
        }
        m_headers.release();
        m_headers.reset(list);
    }

  private:
    CURL* m_easy;
    const HttpRequest& m_request;
    HeaderList& m_headers;
};

} // namespace

bool has_header(const HttpHeaders& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
        return core::equals_ignoring_case(header.first, name);
    });
}

bool sends_a_body(const HttpRequest& request) {
    const std::string& method = request.method;
    return !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
}

void SlistDeleter::operator()(curl_slist* list) const {
    curl().slist_free_all(list);
}

const CurlLibrary& initialised_curl() {
    // curl_global_init is not safe to race with itself or with handles being created; if it
    // fails, call_once lets the next caller try again.
    static std::once_flag once;
    std::call_once(once, [] {
        CURLcode code = curl().global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK) {
            throw NetworkError(std::string("cannot initialise libcurl: ") +
                               curl().easy_strerror(code));
        }
    });
    return curl();
}

void check_request(const HttpRequest& request) {
    if (request.url.empty()) {
        throw UsageError("an HTTP request needs a URL");
    }
    if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(),
                                               [](char c) { return c >= 'A' && c <= 'Z'; })) {
        throw UsageError("'" + request.method + "' is not an HTTP method (GET, POST, PUT...)");
    }
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || name.find_first_of(": \t\r\n") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            // The value is left out: it may be a secret.
            throw UsageError("the HTTP header '" + name.substr(0, 64) +
                             "' has an empty name or a line break in it");
        }
    }
}

void configure_request(CURL* easy, const HttpRequest& request, HeaderList& headers,
                       char* error_buffer) {
    Configurer setup(easy, request, headers);
    setup.set(CURLOPT_URL, request.url.c_str());
    setup.set(CURLOPT_ERRORBUFFER, error_buffer);
    // Timeouts must not use signals: farm has threads, and many transfers at once.
    setup.set(CURLOPT_NOSIGNAL, 1L);
    setup.set(CURLOPT_CONNECTTIMEOUT_MS, to_milliseconds(request.connect_timeout_s));
    setup.set(CURLOPT_TIMEOUT_MS, to_milliseconds(request.total_timeout_s));
#if LIBCURL_VERSION_NUM >= 0x075500
    setup.set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    setup.set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    setup.set(CURLOPT_HTTP_VERSION,
              static_cast<long>(request.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1));
    if (const char* bundle = ca_bundle_from_environment()) {
        setup.set(CURLOPT_CAINFO, bundle);
    }
    if (is_loopback_url(request.url)) {
        setup.set(CURLOPT_PROXY, ""); // "": no proxy, whatever http_proxy says
    }
    static const std::string user_agent = std::string("farm/") + farm::version;
    setup.set(CURLOPT_USERAGENT, user_agent.c_str());
    if (request.no_proxy) {
        setup.set(CURLOPT_NOPROXY, "*");
    }

    const std::string& method = request.method;
    bool with_body = sends_a_body(request);
    if (method == "HEAD") {
        setup.set(CURLOPT_NOBODY, 1L);
    } else if (with_body) {
        set_request_body(easy, request);
        if (method != "POST") {
            setup.set(CURLOPT_CUSTOMREQUEST, method.c_str());
        }
    } else if (method != "GET") {
        setup.set(CURLOPT_CUSTOMREQUEST, method.c_str());
    }

    for (const auto& [name, value] : request.headers) {
        // "Name;" is curl's way to send a header with an empty value ("Name:" removes it).
        setup.add_header_line(value.empty() ? name + ";" : name + ": " + value);
    }
    if (with_body && !has_header(request.headers, "Content-Type")) {
        setup.add_header_line("Content-Type:"); // not curl's form-urlencoded guess
    }
    if (!has_header(request.headers, "Expect")) {
        // Without this curl waits up to a second for "100 Continue" before a large body.
        setup.add_header_line("Expect:");
    }
    setup.set(CURLOPT_HTTPHEADER, headers.get());
}

bool same_except_body(const HttpRequest& configured, const HttpRequest& next) {
    return configured.method == next.method && configured.method != "HEAD" &&
           configured.url == next.url && configured.headers == next.headers &&
           configured.connect_timeout_s == next.connect_timeout_s &&
           configured.total_timeout_s == next.total_timeout_s && configured.http2 == next.http2 &&
           configured.no_proxy == next.no_proxy && sends_a_body(configured) == sends_a_body(next);
}

void set_request_body(CURL* easy, const HttpRequest& request) {
    // The size first: with POSTFIELDS alone curl would take the body's strlen.
    set_option_or_throw(easy, request, CURLOPT_POSTFIELDSIZE_LARGE,
                        static_cast<curl_off_t>(request.body.size()));
    set_option_or_throw(easy, request, CURLOPT_POSTFIELDS, request.body.data());
}

std::string url_host(std::string_view url) {
    std::size_t scheme_end = url.find("://");
    std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    std::size_t at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    if (host.starts_with('[')) {
        host = host.substr(0, host.find(']') + 1);
    } else {
        host = host.substr(0, host.find(':'));
    }
    std::string lower;
    for (char c : host) {
        lower += char(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

bool is_loopback_url(std::string_view url) {
    std::string lower = url_host(url);
    if (lower.starts_with('[')) {
        return lower == "[::1]";
    }
    if (lower == "localhost" || lower.ends_with(".localhost")) {
        return true;
    }
    // 127.0.0.0/8 in dotted form: four numbers, the first 127.
    int parts = 0;
    int number = -1;
    for (char c : lower + ".") {
        if (c == '.') {
            if (number < 0 || number > 255 || (parts == 0 && number != 127)) {
                return false;
            }
            ++parts;
            number = -1;
        } else if (c >= '0' && c <= '9') {
            number = (number < 0 ? 0 : number * 10) + (c - '0');
            if (number > 255) {
                return false;
            }
        } else {
            return false;
        }
    }
    return parts == 4;
}

std::string origin_for_messages(std::string_view url) {
    std::string display = url_for_messages(url);
    std::size_t scheme_end = display.find("://");
    std::size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    std::size_t end = display.find_first_of("/?#", start);
    return end == std::string::npos ? display : display.substr(0, end);
}

} // namespace farm::net
