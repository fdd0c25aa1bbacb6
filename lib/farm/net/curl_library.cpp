#include "farm/net/curl_library.hpp"

#include "farm/core/error.hpp"

#include <dlfcn.h>
#include <mutex>
#include <string>

namespace farm::net {

namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& slot, std::string& missing) {
    void* symbol = dlsym(library, name);
    if (!symbol) {
        missing += std::string(missing.empty() ? "" : ", ") + name;
        return;
    }
    slot = reinterpret_cast<Function>(symbol);
}

} // namespace

const CurlLibrary& curl() {
    static CurlLibrary library{};
    static std::string failure;
    static std::once_flag once;
    std::call_once(once, [] {
        void* handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            handle = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
        }
        if (!handle) {
            failure = "libcurl is not installed (" + std::string(dlerror()) +
                      "): install it with `apt-get install libcurl4`";
            return;
        }
        std::string missing;
        resolve(handle, "curl_global_init", library.global_init, missing);
        resolve(handle, "curl_easy_init", library.easy_init, missing);
        resolve(handle, "curl_easy_setopt", library.easy_setopt, missing);
        resolve(handle, "curl_easy_perform", library.easy_perform, missing);
        resolve(handle, "curl_easy_getinfo", library.easy_getinfo, missing);
        resolve(handle, "curl_easy_cleanup", library.easy_cleanup, missing);
        resolve(handle, "curl_easy_strerror", library.easy_strerror, missing);
        resolve(handle, "curl_slist_append", library.slist_append, missing);
        resolve(handle, "curl_slist_free_all", library.slist_free_all, missing);
        resolve(handle, "curl_easy_reset", library.easy_reset, missing);
        resolve(handle, "curl_multi_init", library.multi_init, missing);
        resolve(handle, "curl_multi_cleanup", library.multi_cleanup, missing);
        resolve(handle, "curl_multi_setopt", library.multi_setopt, missing);
        resolve(handle, "curl_multi_add_handle", library.multi_add_handle, missing);
        resolve(handle, "curl_multi_remove_handle", library.multi_remove_handle, missing);
        resolve(handle, "curl_multi_info_read", library.multi_info_read, missing);
        resolve(handle, "curl_multi_strerror", library.multi_strerror, missing);
        resolve(handle, "curl_multi_socket_action", library.multi_socket_action, missing);
        if (!missing.empty()) {
            failure = "the installed libcurl lacks " + missing + ": install libcurl4 7.66 or later";
        }
    });
    if (!failure.empty()) {
        throw NetworkError(failure);
    }
    return library;
}

} // namespace farm::net
