#include "farm/net/stream_events.hpp"

#include "farm/net/curl_library.hpp"

#include "farm/core/error.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace farm::net {

namespace {

// epoll's data for the wake-up descriptor; curl's sockets carry their own number (below 2^31),
// farm's own sockets their number with own_tag.
constexpr std::uint64_t wake_tag = std::uint64_t(1) << 40;
constexpr std::uint64_t own_tag = std::uint64_t(1) << 41;

std::uint32_t epoll_events_for(int what) {
    std::uint32_t events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) {
        events |= EPOLLIN;
    }
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) {
        events |= EPOLLOUT;
    }
    return events;
}

int curl_flags_for(std::uint32_t events) {
    int flags = 0;
    if ((events & EPOLLIN) != 0) {
        flags |= CURL_CSELECT_IN;
    }
    if ((events & EPOLLOUT) != 0) {
        flags |= CURL_CSELECT_OUT;
    }
    if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
        // curl reads the error or the end of the connection itself.
        flags |= CURL_CSELECT_IN | CURL_CSELECT_ERR;
    }
    return flags;
}

} // namespace

StreamEvents::StreamEvents(CURLM* multi) : m_multi(multi) {
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        throw NetworkError(std::string("cannot create an epoll instance: ") + std::strerror(errno));
    }
    curl().multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &StreamEvents::on_socket);
    curl().multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl().multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &StreamEvents::on_timer);
    curl().multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
}

StreamEvents::~StreamEvents() {
    close(m_epoll);
}

int StreamEvents::on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) {
    static_cast<StreamEvents*>(self)->watch(socket, what);
    return 0;
}

int StreamEvents::on_timer(CURLM*, long timeout_ms, void* self) {
    auto& events = *static_cast<StreamEvents*>(self);
    if (timeout_ms < 0) {
        events.m_timer.reset();
    } else {
        events.m_timer = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
}

StreamEvents::SocketState& StreamEvents::state_of(curl_socket_t socket) {
    if (std::size_t(socket) >= m_sockets.size()) {
        m_sockets.resize(std::size_t(socket) + 1);
    }
    return m_sockets[std::size_t(socket)];
}

// curl lets a kept-alive connection's socket go when its transfer ends and asks for it again when
// the next transfer reuses it: a socket that only waited to read stays in the epoll set between
// the two ("parked"), so that a request costs one epoll_ctl instead of two. A parked socket is
// changed with EPOLL_CTL_MOD, never trusted to be there: curl may have closed it meanwhile (the
// close took it out of the set) and its number may be a new connection's, which MOD reports
// (ENOENT) and ADD then registers.
void StreamEvents::watch(curl_socket_t socket, int what) {
    SocketState& state = state_of(socket);
    if (what == CURL_POLL_REMOVE) {
        state.curl_watches = false;
        if (state.events == EPOLLIN) {
            return; // parked; an event on it before curl asks again takes it out (wait)
        }
        // An error means the socket was closed already, which took it out of the set.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
        state.events = 0;
        return;
    }
    epoll_event event{};
    event.events = epoll_events_for(what);
    event.data.u64 = std::uint64_t(socket);
    if (socket == m_wake_fd) {
        // The wake-up descriptor was closed and its number is curl's socket now.
        m_wake_fd = -1;
    }
    bool watched = state.curl_watches;
    state.curl_watches = true;
    if (watched && state.events == event.events) {
        return;
    }
    if (state.events == 0 || epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event) != 0) {
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST) {
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event);
        }
    }
    state.events = event.events;
}

void StreamEvents::watch_wake_fd(int wake_fd) {
    if (wake_fd == m_wake_fd) {
        return;
    }
    if (m_wake_fd >= 0 && state_of(m_wake_fd).events == 0) { // not a number curl took over
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_wake_fd, nullptr);
    }
    m_wake_fd = -1;
    if (wake_fd >= 0) {
        // While it is the wake-up descriptor the number is not curl's: a state left from a parked
        // socket curl closed would keep it in the set once the caller moves to another one.
        state_of(wake_fd) = SocketState{};
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = wake_tag;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, wake_fd, &event) == 0) {
            m_wake_fd = wake_fd;
        }
    }
}

void StreamEvents::watch_own(int socket, std::uint32_t events, bool in_set) {
    if (!in_set) {
        // A number curl or the caller's wake-up descriptor used before (closed since) is farm's.
        state_of(socket) = SocketState{};
        if (socket == m_wake_fd) {
            m_wake_fd = -1;
        }
    }
    epoll_event event{};
    event.events = events;
    event.data.u64 = own_tag | std::uint64_t(socket);
    if (epoll_ctl(m_epoll, in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, &event) != 0 &&
        errno == EEXIST) {
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event);
    }
}

bool StreamEvents::wait(int timeout_ms, int wake_fd) {
    watch_wake_fd(wake_fd);
    std::array<epoll_event, 64> events;
    int count = epoll_wait(m_epoll, events.data(), int(events.size()), timeout_ms);
    bool woken = false;
    m_ready.clear();
    m_own_ready.clear();
    for (int i = 0; i < count; ++i) {
        if (events[i].data.u64 == wake_tag) {
            woken = true;
            continue;
        }
        if ((events[i].data.u64 & own_tag) != 0) {
            m_own_ready.emplace_back(int(events[i].data.u64 & ~own_tag),
                                     std::uint32_t(events[i].events));
            continue;
        }
        auto socket = curl_socket_t(events[i].data.u64);
        SocketState& state = state_of(socket);
        if (!state.curl_watches) {
            // Parked, and the server wrote or closed: out of the set, else it would wake every
            // wait. curl finds out when it next uses the connection.
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
            state.events = 0;
        } else {
            m_ready.emplace_back(curl_socket_t(events[i].data.u64),
                                 curl_flags_for(events[i].events));
        }
    }
    return woken;
}

void StreamEvents::run(SteadyTime now) {
    int running = 0;
    for (auto [socket, flags] : m_ready) {
        curl().multi_socket_action(m_multi, socket, flags, &running);
    }
    m_ready.clear();
    // The sockets' actions may have moved the timer; what is due by `now` runs.
    if (m_timer && *m_timer <= now) {
        curl().multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

} // namespace farm::net
