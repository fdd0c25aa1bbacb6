// How a StreamClient learns which of its transfers can move (internal to net/): curl's multi
// socket interface over epoll. curl names the sockets it waits on (CURLMOPT_SOCKETFUNCTION) and
// when it next wants to be called (CURLMOPT_TIMERFUNCTION); a wait returns the ready sockets and
// only those transfers are driven (curl_multi_socket_action).
//
// Why not curl_multi_perform + curl_multi_poll: those visit every transfer and poll every socket
// on every turn of the loop, so with 32 streams each turn cost 32 times what one ready socket
// needs; against a fast server that was a fifth of farm's CPU per request.
//
// Guarantees: every socket curl asks for is watched until curl lets it go (a socket that only
// waited to read stays in the set until curl asks for it again or it becomes readable, which
// takes it out: one epoll_ctl a request on a kept-alive connection); curl's timer is kept
// and run once it is due (a transfer just added has a due timer: that is how it starts); a wait
// never outlasts the timeout it is given. Not thread-safe, as StreamClient.
#pragma once

#include "farm/net/stream_client.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace farm::net {

class StreamEvents {
  public:
    // Takes over `multi`'s socket and timer callbacks. Throws farm::NetworkError without epoll.
    explicit StreamEvents(CURLM* multi);
    ~StreamEvents(); // after curl_multi_cleanup, which may still let sockets go
    StreamEvents(const StreamEvents&) = delete;
    StreamEvents& operator=(const StreamEvents&) = delete;

    // When curl wants to be called even if no socket is ready; nullopt: only for sockets.
    std::optional<SteadyTime> timer() const { return m_timer; }

    // Waits up to timeout_ms (0: not at all) for one of curl's sockets or `wake_fd` (when >= 0).
    // Returns whether wake_fd is readable; the ready sockets are kept for run().
    bool wait(int timeout_ms, int wake_fd);

    // Hands curl the sockets the last wait found ready, then its timer when due (`now` or
    // later). curl calls the transfers' callbacks from here.
    void run(SteadyTime now);

    // farm's own sockets (the plain-HTTP path, plain_http.hpp), beside curl's: `socket` is
    // watched for `events` (EPOLLIN, EPOLLOUT) until it is closed, which takes it out of the set.
    // `in_set`: it is there already (its events change) or not (it is added).
    void watch_own(int socket, std::uint32_t events, bool in_set);
    // The own sockets the last wait found ready, with their epoll events, for the caller to
    // handle and clear (run() hands curl only curl's).
    std::vector<std::pair<int, std::uint32_t>>& own_ready() { return m_own_ready; }

  private:
    static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_data);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    struct SocketState {
        std::uint32_t events = 0;  // what the epoll set watches it for; 0: not in the set
        bool curl_watches = false; // curl asked for it and has not let it go
    };
    SocketState& state_of(curl_socket_t socket);
    void watch(curl_socket_t socket, int what);
    void watch_wake_fd(int wake_fd);

    CURLM* m_multi;
    int m_epoll = -1;
    int m_wake_fd = -1; // the wake-up descriptor in the epoll set, -1 for none
    std::optional<SteadyTime> m_timer;
    std::vector<std::pair<curl_socket_t, int>> m_ready;     // socket, CURL_CSELECT_* flags
    std::vector<std::pair<int, std::uint32_t>> m_own_ready; // socket, EPOLL* events
    std::vector<SocketState> m_sockets;                     // by socket number
};

} // namespace farm::net
