// The waits of a StreamClient that farm times itself: no first byte or no content in time for
// every transfer, and the connect and total timeouts of the plain-HTTP path (curl keeps those of
// its own transfers); when the event loop must wake for the nearest of them.
#include "farm/net/stream_client.hpp"

#include "farm/net/stream_events.hpp"
#include "farm/net/stream_transfer.hpp"

#include "farm/core/text.hpp"

#include <algorithm>

namespace farm::net {

// The earliest of `until`, curl's timer and the waits farm times itself.
SteadyTime StreamClient::next_wake(SteadyTime until) const {
    SteadyTime wake_at = until;
    if (!m_plain_ended.empty()) {
        return std::chrono::steady_clock::now(); // outcomes set by start() wait to be completed
    }
    if (std::optional<SteadyTime> timer = m_events->timer()) {
        wake_at = std::min(wake_at, *timer);
    }
    for (const std::unique_ptr<Transfer>& transfer : m_running) {
        const Transfer& t = *transfer;
        for (const std::optional<SteadyTime>& deadline :
             {t.outcome.first_byte ? std::nullopt : t.first_byte_deadline, t.first_content_deadline,
              t.plain && t.connection && t.connection->connecting ? t.connect_deadline
                                                                  : std::nullopt,
              t.plain ? t.total_deadline : std::nullopt}) {
            if (deadline) {
                wake_at = std::min(wake_at, *deadline);
            }
        }
    }
    return wake_at;
}

// The waits curl does not know: no byte of the answer in time, or (has_content) no content; on
// the plain path also the connect and total timeouts, which curl keeps for its own transfers.
// Asked for every running transfer on every turn of the loop: the message (whose URL costs a
// redaction pass) is only built for a wait that did expire.
std::optional<StreamClient::Expiry> StreamClient::expired_wait(Transfer& transfer, SteadyTime now) {
    if (transfer.plain_ended) {
        return std::nullopt; // ended already, completed at the next turn
    }
    auto passed = [now](const std::optional<SteadyTime>& deadline) {
        return deadline && now >= *deadline;
    };
    bool connecting = transfer.plain && (!transfer.connection || transfer.connection->connecting);
    if (connecting && (passed(transfer.connect_deadline) || passed(transfer.total_deadline))) {
        double limit = passed(transfer.connect_deadline) ? transfer.request.connect_timeout_s
                                                         : transfer.request.total_timeout_s;
        return Expiry{StreamFailure::connect, "cannot reach " + transfer.peer_for_messages() +
                                                  origin_for_messages(transfer.request.url) +
                                                  ": no connection within " +
                                                  core::seconds_text(limit)};
    }
    if (transfer.plain && passed(transfer.total_deadline)) {
        return Expiry{StreamFailure::timeout,
                      "no complete answer from " + transfer.peer_for_messages() +
                          url_for_messages(transfer.request.url) + " within " +
                          core::seconds_text(transfer.request.total_timeout_s)};
    }
    if (transfer.first_byte_deadline && !transfer.outcome.first_byte &&
        now >= *transfer.first_byte_deadline) {
        return Expiry{StreamFailure::timeout,
                      "no answer from " + url_for_messages(transfer.request.url) + " within " +
                          core::seconds_text(transfer.first_byte_timeout_s)};
    }
    if (transfer.first_content_deadline && now >= *transfer.first_content_deadline) {
        bool content = false;
        try {
            content = transfer.handlers.has_content();
        } catch (...) {
        }
        if (content) {
            transfer.first_content_deadline.reset();
            return std::nullopt;
        }
        return Expiry{StreamFailure::timeout,
                      "no content token from " + url_for_messages(transfer.request.url) +
                          " within " + core::seconds_text(transfer.first_content_timeout_s)};
    }
    return std::nullopt;
}

std::size_t StreamClient::expire_waits(SteadyTime now) {
    std::vector<std::pair<TransferId, Expiry>> expired;
    for (const std::unique_ptr<Transfer>& transfer : m_running) {
        if (std::optional<Expiry> why = expired_wait(*transfer, now)) {
            expired.emplace_back(transfer->outcome.id, std::move(*why));
        }
    }
    for (auto& [id, why] : expired) {
        for (const std::unique_ptr<Transfer>& transfer : m_running) {
            if (transfer->outcome.id == id) {
                transfer->outcome.failure = why.failure;
                transfer->outcome.message = std::move(why.message);
                complete(*transfer);
                break;
            }
        }
    }
    return expired.size();
}

} // namespace farm::net
