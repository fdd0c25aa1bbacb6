// The event loop: StreamEvents (curl's socket interface over epoll) moves the transfers whose
// sockets are ready or whose curl timers are due (calling the header and write callbacks of
// stream_transfer.cpp), curl_multi_info_read reports the ones that ended, and the wait sleeps
// until a socket is ready, curl's own next timer, the nearest first-byte deadline or the caller's
// deadline. First-byte timeouts are ours because curl only knows connect and total timeouts.
//
// A Transfer is the state of one request; it is recycled through m_idle with its easy handle
// (curl_easy_reset keeps the handle's caches) and its string buffers, which is what keeps memory
// flat over hundreds of thousands of requests.
#include "farm/net/stream_client.hpp"

#include "farm/net/curl_library.hpp"
#include "farm/net/easy_setup.hpp"
#include "farm/net/stream_events.hpp"
#include "farm/net/stream_transfer.hpp"

#include "farm/core/error.hpp"
#include "farm/core/text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace farm::net {

namespace {

CURLM* multi_of(void* multi) {
    return static_cast<CURLM*>(multi);
}

} // namespace

StreamClient::StreamClient(std::size_t keep_alive_connections, StreamTransport transport)
    : m_transport(transport), m_keep_alive(std::max<std::size_t>(keep_alive_connections, 1)) {
    m_multi = initialised_curl().multi_init();
    if (m_multi == nullptr) {
        throw NetworkError("cannot create a libcurl multi handle (out of memory?)");
    }
    curl().multi_setopt(multi_of(m_multi), CURLMOPT_MAXCONNECTS, static_cast<long>(m_keep_alive));
    try {
        m_events = std::make_unique<StreamEvents>(multi_of(m_multi));
    } catch (...) {
        curl().multi_cleanup(multi_of(m_multi));
        throw;
    }
}

StreamClient::~StreamClient() {
    for (std::unique_ptr<Transfer>& transfer : m_running) {
        if (!transfer->plain) {
            curl().multi_remove_handle(multi_of(m_multi), transfer->easy);
        }
    }
    m_running.clear();
    m_idle.clear();
    m_plain_idle.clear();
    curl().multi_cleanup(multi_of(m_multi));
    m_events.reset(); // after the cleanup, which may still let sockets go
}

TransferId StreamClient::start(const HttpRequest& request, StreamTimeouts timeouts,
                               StreamHandlers handlers) {
    if (m_inside_handlers) {
        throw std::logic_error("StreamClient::start called from on_headers or on_body");
    }
    check_request(request);
    std::unique_ptr<Transfer> transfer = take_transfer();
    // A transfer set up for the same endpoint needs only its new body (easy_setup.hpp), and its
    // path (plain or curl) was chosen for that endpoint already: a load does not look again.
    bool keeps_setup = (transfer->configured || transfer->plain_configured) &&
                       same_except_body(transfer->request, request);
    if (!keeps_setup) {
        transfer->plain.reset();
        if (m_transport == StreamTransport::plain_where_possible) {
            transfer->plain = plain_target_of(request);
        }
    }
    copy_request(*transfer, request, timeouts);
    transfer->handlers = std::move(handlers);
    try {
        // The other path's set-up no longer matches `request`: it is made again when needed.
        (transfer->plain ? transfer->configured : transfer->plain_configured) = false;
        if (transfer->plain) {
            prepare_plain(*transfer, keeps_setup);
        } else {
            if (transfer->easy == nullptr && (transfer->easy = curl().easy_init()) == nullptr) {
                throw NetworkError("cannot create a libcurl handle (out of memory?)");
            }
            set_up_handle(*transfer, keeps_setup);
        }
    } catch (...) {
        m_idle.push_back(std::move(transfer));
        throw;
    }

    transfer->outcome.sent = std::chrono::steady_clock::now();
    auto after = [&](double seconds) -> std::optional<SteadyTime> {
        if (seconds <= 0) {
            return std::nullopt;
        }
        return transfer->outcome.sent +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(seconds));
    };
    transfer->first_byte_deadline = after(timeouts.first_byte_s);
    transfer->first_content_deadline.reset();
    if (transfer->handlers.has_content) {
        transfer->first_content_deadline = after(timeouts.first_content_s);
    }
    transfer->connect_deadline = after(request.connect_timeout_s);
    transfer->total_deadline = after(request.total_timeout_s);
    Transfer& started = *transfer;
    if (!started.plain) {
        start_with_curl(transfer); // throws before the transfer is running
    }
    m_running.push_back(std::move(transfer));
    if (started.plain) {
        launch_plain(started);
    }
    return started.outcome.id;
}

std::unique_ptr<StreamClient::Transfer> StreamClient::take_transfer() {
    if (m_idle.empty()) {
        return std::make_unique<Transfer>();
    }
    std::unique_ptr<Transfer> transfer = std::move(m_idle.back());
    m_idle.pop_back();
    return transfer;
}

void StreamClient::copy_request(Transfer& transfer, const HttpRequest& request,
                                StreamTimeouts timeouts) {
    // Assignment, not construction: the strings keep their capacity from earlier requests.
    transfer.request.method = request.method;
    transfer.request.url = request.url;
    transfer.request.headers = request.headers;
    transfer.request.body = request.body;
    transfer.request.connect_timeout_s = request.connect_timeout_s;
    transfer.request.total_timeout_s = request.total_timeout_s;
    transfer.request.peer_name = request.peer_name;
    transfer.request.http2 = request.http2;
    transfer.request.no_proxy = request.no_proxy;
    transfer.first_byte_timeout_s = timeouts.first_byte_s;
    transfer.first_content_timeout_s = timeouts.first_content_s;
    transfer.error_body.clear();
    transfer.reader_stopped = false;
    transfer.error[0] = '\0';
    transfer.outcome.id = m_next_id++;
    transfer.outcome.status = 0;
    transfer.outcome.failure = StreamFailure::none;
    transfer.outcome.message.clear();
    transfer.outcome.first_byte.reset();
    transfer.outcome.body_bytes = 0;
    transfer.outcome.connect_ms.reset();
    transfer.outcome.http_version.clear();
}

void StreamClient::start_with_curl(std::unique_ptr<Transfer>& transfer) {
    CURLMcode code = curl().multi_add_handle(multi_of(m_multi), transfer->easy);
    if (code != CURLM_OK) {
        std::string url = url_for_messages(transfer->request.url);
        m_idle.push_back(std::move(transfer));
        throw NetworkError("cannot start the request to " + url + ": " +
                           curl().multi_strerror(code));
    }
}

void StreamClient::set_up_handle(Transfer& transfer, bool keeps_setup) {
    CURL* easy = transfer.easy;
    if (keeps_setup) {
        set_request_body(easy, transfer.request);
        ++m_setups_kept;
        return;
    }
    transfer.configured = false;
    curl().easy_reset(easy);
    transfer.headers.reset();
    configure_request(easy, transfer.request, transfer.headers, transfer.error);
    curl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::body_from_curl);
    curl().easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl().easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::header_from_curl);
    curl().easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl().easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    transfer.configured = true;
}

void StreamClient::reset_loop_load() {
    m_loop = LoopLoad{};
    m_busy_since = std::chrono::steady_clock::now();
}

void StreamClient::end_busy_stretch() {
    SteadyTime now = std::chrono::steady_clock::now();
    if (!m_busy_since) {
        // The first wait: what came before it (set-up) is no stretch of the loop.
        return;
    }
    double stretch_ms = std::chrono::duration<double, std::milli>(now - *m_busy_since).count();
    m_loop.busy_s += stretch_ms / 1000.0;
    m_loop.longest_ms = std::max(m_loop.longest_ms, stretch_ms);
    ++m_loop.stretches;
    if (m_loop.stretch_ms.size() < LoopLoad::max_kept) {
        m_loop.stretch_ms.push_back(static_cast<float>(stretch_ms));
    }
    m_busy_since.reset();
}

std::size_t StreamClient::poll(SteadyTime until, int wake_fd) {
    std::size_t ended = 0;
    while (true) {
        m_inside_handlers = true;
        m_events->run(std::chrono::steady_clock::now());
        run_plain_ready();
        m_inside_handlers = false;
        ended += collect_finished();
        ended += complete_plain_ended();
        SteadyTime now = std::chrono::steady_clock::now();
        ended += expire_waits(now);
        if (ended > 0 || now >= until) {
            return ended;
        }
        // Rounded up, so that the wait never ends just before the deadline it waits for.
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_wake(until) - now);
        int timeout_ms = static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, INT_MAX));
        end_busy_stretch();
        bool woken = m_events->wait(timeout_ms, wake_fd);
        m_busy_since = std::chrono::steady_clock::now();
        if (woken) {
            // The ready sockets stay ready (epoll is level-triggered): the next poll runs them.
            return ended;
        }
    }
}

std::size_t StreamClient::collect_finished() {
    std::size_t ended = 0;
    int queued = 0;
    while (CURLMsg* message = curl().multi_info_read(multi_of(m_multi), &queued)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        Transfer* transfer = nullptr;
        curl().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
        CURLcode code = message->data.result;
        finish(*transfer, code); // `message` is invalid after the handle is removed
        ++ended;
    }
    return ended;
}

void StreamClient::finish(Transfer& transfer, int curl_code) {
    transfer.classify(curl_code);
    complete(transfer);
}

void StreamClient::complete(Transfer& transfer) {
    transfer.outcome.done = std::chrono::steady_clock::now();
    if (transfer.plain) {
        plain_connection_facts(transfer);
        release_connection(transfer, false); // still held: the answer did not end
    } else {
        transfer.read_connection_facts();
        curl().multi_remove_handle(multi_of(m_multi), transfer.easy);
    }
    auto position =
        std::find_if(m_running.begin(), m_running.end(),
                     [&](const std::unique_ptr<Transfer>& t) { return t.get() == &transfer; });
    std::unique_ptr<Transfer> owned = std::move(*position);
    m_running.erase(position);
    // The handler may start the next request, which may reuse this Transfer: take what the
    // callback needs out of it first.
    std::function<void(const StreamOutcome&)> on_done = std::move(owned->handlers.on_done);
    owned->handlers = {};
    StreamOutcome outcome = std::move(owned->outcome);
    owned->outcome.message = std::string();
    m_idle.push_back(std::move(owned));
    if (on_done) {
        on_done(outcome);
    }
}

bool StreamClient::cancel(TransferId id, StreamFailure why, const std::string& message) {
    if (m_inside_handlers) {
        throw std::logic_error("StreamClient::cancel called from on_headers or on_body");
    }
    for (const std::unique_ptr<Transfer>& transfer : m_running) {
        if (transfer->outcome.id == id) {
            transfer->outcome.failure = why;
            transfer->outcome.message = message;
            complete(*transfer);
            return true;
        }
    }
    return false;
}

std::size_t StreamClient::cancel_all(StreamFailure why, const std::string& message) {
    std::vector<TransferId> ids;
    for (const std::unique_ptr<Transfer>& transfer : m_running) {
        ids.push_back(transfer->outcome.id);
    }
    std::size_t cancelled = 0;
    for (TransferId id : ids) {
        cancelled += cancel(id, why, message) ? 1 : 0;
    }
    return cancelled;
}

std::size_t StreamClient::running() const {
    return m_running.size();
}

} // namespace farm::net
