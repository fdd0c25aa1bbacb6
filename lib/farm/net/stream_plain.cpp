// The plain-HTTP path of StreamClient (plain_http.hpp): a request's connection is a kept one to
// the same origin or a new non-blocking connect; its head and body go out with one sendmsg; the
// answer is read as it arrives and handed to Http1ResponseReader, which calls the transfer's
// handlers. A transfer that ends inside a read is completed after it (m_plain_ended), outside the
// reading, as curl's are after curl returns, so that on_done may start the next request.
//
// A kept connection the server closed while it was idle is found out when the next request's
// send or read fails before any byte of an answer came: the request is then sent once more on a
// new connection, as curl does, and a request that had an answer started never is.
#include "farm/net/stream_client.hpp"

#include "farm/net/stream_events.hpp"
#include "farm/net/stream_transfer.hpp"

#include "farm/core/text.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace farm::net {

namespace {

constexpr std::size_t read_buffer_bytes = 64 * 1024;

} // namespace

void StreamClient::prepare_plain(Transfer& transfer, bool keeps_setup) {
    if (!keeps_setup) {
        transfer.plain_head_start = request_head_start(transfer.request, *transfer.plain);
        transfer.plain_configured = true;
    } else {
        ++m_setups_kept;
    }
    transfer.plain_head = transfer.plain_head_start;
    finish_request_head(transfer.plain_head, transfer.request);
    if (!m_read_buffer) {
        m_read_buffer = std::make_unique<char[]>(read_buffer_bytes);
    }
}

void StreamClient::launch_plain(Transfer& transfer) {
    ++m_plain_requests;
    transfer.reader.start(transfer.request.method == "HEAD");
    transfer.plain_sent = 0;
    transfer.plain_ended = false;
    transfer.retried = false;
    transfer.connected_at.reset();
    transfer.reused_connection = false;
    // The most recently kept connection to the same origin: the likeliest to be alive still.
    for (auto kept = m_plain_idle.rbegin(); kept != m_plain_idle.rend(); ++kept) {
        if ((*kept)->origin == transfer.plain->origin) {
            transfer.connection = std::move(*kept);
            m_plain_idle.erase(std::next(kept).base());
            transfer.reused_connection = true;
            m_plain_owner[std::size_t(transfer.connection->socket)] = &transfer;
            send_plain(transfer);
            return;
        }
    }
    connect_plain(transfer);
}

void StreamClient::connect_plain(Transfer& transfer) {
    auto connection = std::make_unique<PlainConnection>();
    if (int error = start_connect(*transfer.plain, *connection); error != 0) {
        end_plain(transfer, StreamFailure::connect,
                  "cannot reach " + transfer.peer_for_messages() +
                      origin_for_messages(transfer.request.url) + ": " + std::strerror(error));
        return;
    }
    int socket = connection->socket;
    if (std::size_t(socket) >= m_plain_owner.size()) {
        m_plain_owner.resize(std::size_t(socket) + 1, nullptr);
    }
    m_plain_owner[std::size_t(socket)] = &transfer;
    m_events->watch_own(socket, EPOLLIN | EPOLLOUT, false);
    connection->watches_output = true;
    transfer.connection = std::move(connection);
    if (!transfer.connection->connecting) {
        transfer.connected_at = std::chrono::steady_clock::now();
        send_plain(transfer);
    }
}

void StreamClient::send_plain(Transfer& transfer) {
    const std::string& head = transfer.plain_head;
    const std::string& body = transfer.request.body;
    std::size_t total = head.size() + body.size();
    std::size_t sent = transfer.plain_sent;
    iovec parts[2];
    int count = 0;
    if (sent < head.size()) {
        parts[count++] = {const_cast<char*>(head.data() + sent), head.size() - sent};
    }
    std::size_t body_sent = sent > head.size() ? sent - head.size() : 0;
    if (body_sent < body.size()) {
        parts[count++] = {const_cast<char*>(body.data() + body_sent), body.size() - body_sent};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = std::size_t(count);
    ssize_t written = sendmsg(transfer.connection->socket, &message, MSG_NOSIGNAL);
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        retry_or_fail(transfer, std::strerror(errno));
        return;
    }
    transfer.plain_sent += written > 0 ? std::size_t(written) : 0;
    // Writable is only worth a wake-up while some of the request is still to go.
    watch_output(*transfer.connection, transfer.plain_sent < total);
}

void StreamClient::watch_output(PlainConnection& connection, bool output) {
    if (connection.watches_output != output) {
        m_events->watch_own(connection.socket, output ? EPOLLIN | EPOLLOUT : EPOLLIN, true);
        connection.watches_output = output;
    }
}

void StreamClient::run_plain_ready() {
    std::vector<std::pair<int, std::uint32_t>>& ready = m_events->own_ready();
    for (auto [socket, events] : ready) {
        on_plain_ready(socket, events);
    }
    ready.clear();
}

void StreamClient::on_plain_ready(int socket, std::uint32_t events) {
    Transfer* transfer =
        std::size_t(socket) < m_plain_owner.size() ? m_plain_owner[std::size_t(socket)] : nullptr;
    if (transfer == nullptr) {
        // A kept connection that is readable while idle: the server closed it (or sent what
        // nobody asked for). Either way it is of no use for the next request.
        std::erase_if(m_plain_idle, [&](const std::unique_ptr<PlainConnection>& connection) {
            return connection->socket == socket;
        });
        return;
    }
    if (transfer->plain_ended) {
        return;
    }
    PlainConnection& connection = *transfer->connection;
    bool hang_up = (events & (EPOLLERR | EPOLLHUP)) != 0;
    if (connection.connecting) {
        if ((events & EPOLLOUT) == 0 && !hang_up) {
            return;
        }
        int error = connect_result(connection);
        if (error == EINPROGRESS) {
            return; // an event for an earlier socket of the same number
        }
        if (error != 0) {
            end_plain(*transfer, StreamFailure::connect,
                      "cannot reach " + transfer->peer_for_messages() +
                          origin_for_messages(transfer->request.url) + ": " + std::strerror(error));
            return;
        }
        connection.connecting = false;
        transfer->connected_at = std::chrono::steady_clock::now();
    }
    std::size_t total = transfer->plain_head.size() + transfer->request.body.size();
    if (transfer->plain_sent < total && ((events & EPOLLOUT) != 0 || hang_up)) {
        send_plain(*transfer);
    }
    // Not after a send that ended the request or moved it to a new connection still under way.
    if (!transfer->plain_ended && !transfer->connection->connecting &&
        ((events & EPOLLIN) != 0 || hang_up)) {
        read_plain(*transfer);
    }
}

void StreamClient::read_plain(Transfer& transfer) {
    while (true) {
        ssize_t got = recv(transfer.connection->socket, m_read_buffer.get(), read_buffer_bytes, 0);
        SteadyTime now = std::chrono::steady_clock::now();
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                retry_or_fail(transfer, std::strerror(errno));
            }
            return;
        }
        if (got == 0) {
            if (transfer.reader.end_of_input() == Http1ResponseReader::Step::done) {
                end_plain(transfer, StreamFailure::none, "");
            } else {
                retry_or_fail(transfer, transfer.reader.error());
            }
            return;
        }
        if (!transfer.outcome.first_byte) {
            transfer.outcome.first_byte = now;
        }
        transfer.reading_at = now;
        std::size_t used = 0;
        std::string_view bytes(m_read_buffer.get(), std::size_t(got));
        switch (transfer.reader.feed(bytes, transfer, used)) {
        case Http1ResponseReader::Step::done: {
            // Bytes after the answer are the server's mistake, and an answer before the whole
            // request went (a 413) leaves the rest unsent: that connection is not kept.
            bool whole_request_sent =
                transfer.plain_sent == transfer.plain_head.size() + transfer.request.body.size();
            release_connection(transfer, transfer.reader.keep_alive() && used == bytes.size() &&
                                             whole_request_sent && !transfer.reader_stopped);
            end_plain(transfer, StreamFailure::none, "");
            return;
        }
        case Http1ResponseReader::Step::failed:
            retry_or_fail(transfer, transfer.reader.error());
            return;
        case Http1ResponseReader::Step::need_more:
            if (std::size_t(got) < read_buffer_bytes) {
                return; // nothing more for now; epoll says when there is
            }
        }
    }
}

// A kept connection that fails before any byte of an answer most likely was closed by the server
// while idle: the request goes once more on a new connection. Anything else ends the request.
void StreamClient::retry_or_fail(Transfer& transfer, const std::string& detail) {
    if (transfer.reused_connection && !transfer.retried && !transfer.reader.started_answer() &&
        !transfer.reader_stopped) {
        release_connection(transfer, false);
        transfer.retried = true;
        transfer.reused_connection = false;
        transfer.plain_sent = 0;
        transfer.reader.start(transfer.request.method == "HEAD");
        connect_plain(transfer);
        return;
    }
    end_plain(transfer, StreamFailure::incomplete,
              "the answer from " + transfer.peer_for_messages() +
                  url_for_messages(transfer.request.url) + " broke off: " + detail);
}

void StreamClient::end_plain(Transfer& transfer, StreamFailure failure, std::string message) {
    if (transfer.reader_stopped) {
        failure = StreamFailure::stream_error;
        message = "the reader stopped the answer from " + transfer.peer_for_messages() +
                  url_for_messages(transfer.request.url);
    }
    transfer.outcome.failure = failure;
    transfer.outcome.message = std::move(message);
    if (failure == StreamFailure::none) {
        transfer.classify_status();
    }
    transfer.plain_ended = true;
    m_plain_ended.push_back(transfer.outcome.id);
}

void StreamClient::release_connection(Transfer& transfer, bool keep) {
    if (!transfer.connection) {
        return;
    }
    m_plain_owner[std::size_t(transfer.connection->socket)] = nullptr;
    if (keep && !transfer.connection->connecting && m_plain_idle.size() < m_keep_alive) {
        watch_output(*transfer.connection, false);
        m_plain_idle.push_back(std::move(transfer.connection));
    }
    transfer.connection.reset(); // closed, which takes it out of the epoll set
}

void StreamClient::plain_connection_facts(Transfer& transfer) {
    transfer.outcome.new_connection =
        !transfer.reused_connection && transfer.connected_at.has_value();
    transfer.outcome.connect_ms.reset();
    if (transfer.outcome.new_connection) {
        transfer.outcome.connect_ms = std::chrono::duration<double, std::milli>(
                                          *transfer.connected_at - transfer.outcome.sent)
                                          .count();
    }
    transfer.outcome.http_version = std::string(transfer.reader.http_version());
}

std::size_t StreamClient::complete_plain_ended() {
    if (m_plain_ended.empty()) {
        return 0;
    }
    std::vector<TransferId> ended;
    ended.swap(m_plain_ended);
    std::size_t completed = 0;
    for (TransferId id : ended) {
        for (const std::unique_ptr<Transfer>& transfer : m_running) {
            if (transfer->outcome.id == id && transfer->plain_ended) {
                complete(*transfer); // may start requests, which only add to m_plain_ended
                ++completed;
                break;
            }
        }
    }
    return completed;
}

} // namespace farm::net
