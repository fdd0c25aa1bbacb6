// libcurl, loaded when the first HTTP request is made rather than when farm starts.
//
// Linking libcurl makes every farm process map it and its dozens of dependencies (TLS, Kerberos,
// LDAP, HTTP/2, ...) before main(): about 11 ms of start-up that `farm --version` and every
// command without HTTP would pay for nothing. Only the few functions farm calls are looked up;
// the types and constants still come from <curl/curl.h>.
#pragma once

#include <curl/curl.h>

namespace farm::net {

struct CurlLibrary {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL* handle);
    CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
    void (*easy_cleanup)(CURL* handle);
    const char* (*easy_strerror)(CURLcode code);
    curl_slist* (*slist_append)(curl_slist* list, const char* text);
    void (*slist_free_all)(curl_slist* list);
    void (*easy_reset)(CURL* handle);
    // The multi interface, driven through its socket interface (many transfers on one thread).
    CURLM* (*multi_init)();
    CURLMcode (*multi_cleanup)(CURLM* multi);
    CURLMcode (*multi_setopt)(CURLM* multi, CURLMoption option, ...);
    CURLMcode (*multi_add_handle)(CURLM* multi, CURL* handle);
    CURLMcode (*multi_remove_handle)(CURLM* multi, CURL* handle);
    CURLMsg* (*multi_info_read)(CURLM* multi, int* queued);
    CURLMcode (*multi_socket_action)(CURLM* multi, curl_socket_t socket, int events, int* running);
    const char* (*multi_strerror)(CURLMcode code);
};

// Loads libcurl once (thread-safe) and returns its functions. Throws farm::NetworkError saying
// how to install it when the library or one of the functions is missing.
const CurlLibrary& curl();

} // namespace farm::net
