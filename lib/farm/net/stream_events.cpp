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

// epoll's data for the wake-up descriptor; curl's sockets carry their own number (below 2^31).
constexpr std::uint64_t wake_tag = std::uint64_t(1) << 40;

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

int StreamEvents::on_socket(CURL*, curl_socket_t socket, int what, void* self, void* socket_data) {
    static_cast<StreamEvents*>(self)->watch(socket, what, socket_data != nullptr);
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

// curl keeps a pointer per socket until it lets the socket go (curl_multi_assign): non-null once
// the socket is in the epoll set, so that a change is one epoll_ctl and never a failed one.
void StreamEvents::watch(curl_socket_t socket, int what, bool watched) {
    if (what == CURL_POLL_REMOVE) {
        // An error means the socket was closed already, which took it out of the set.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
        return;
    }
    epoll_event event{};
    event.events = epoll_events_for(what);
    event.data.u64 = std::uint64_t(socket);
    if (socket == m_wake_fd) {
        // The wake-up descriptor was closed and its number is curl's socket now.
        m_wake_fd = -1;
    }
    if (watched && epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event) == 0) {
        return;
    }
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST) {
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, socket, &event);
    }
    curl().multi_assign(m_multi, socket, this);
}

void StreamEvents::watch_wake_fd(int wake_fd) {
    if (wake_fd == m_wake_fd) {
        return;
    }
    if (m_wake_fd >= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_wake_fd, nullptr);
    }
    m_wake_fd = -1;
    if (wake_fd >= 0) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = wake_tag;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, wake_fd, &event) == 0) {
            m_wake_fd = wake_fd;
        }
    }
}

bool StreamEvents::wait(int timeout_ms, int wake_fd) {
    watch_wake_fd(wake_fd);
    std::array<epoll_event, 64> events;
    int count = epoll_wait(m_epoll, events.data(), int(events.size()), timeout_ms);
    bool woken = false;
    m_ready.clear();
    for (int i = 0; i < count; ++i) {
        if (events[i].data.u64 == wake_tag) {
            woken = true;
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
