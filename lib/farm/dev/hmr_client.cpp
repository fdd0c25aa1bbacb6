#include "farm/dev/hmr_client.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/dev/next_hmr.hpp"
#include "farm/dev/readiness.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace farm::dev {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The first line of an error text, without colours: enough to say what did not compile.
std::string first_line(const json& value) {
    std::string text;
    if (value.is_string()) {
        text = value.get<std::string>();
    } else if (value.is_object() && value.contains("message") && value["message"].is_string()) {
        text = value["message"].get<std::string>();
    } else {
        text = value.dump();
    }
    text = strip_ansi(text);
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) {
        return "";
    }
    std::size_t end = text.find('\n', start);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// A string field, or "" when it is missing or not a string (a server's message is input).
std::string text_field(const json& message, const char* key) {
    auto found = message.find(key);
    return found != message.end() && found->is_string() ? found->get<std::string>() : "";
}

HmrSignal classify_vite(const json& message) {
    std::string type = text_field(message, "type");
    if (type == "update" || type == "full-reload") {
        return {HmrSignalKind::update, type};
    }
    if (type == "error") {
        return {HmrSignalKind::error, first_line(message.value("err", json::object()))};
    }
    return {HmrSignalKind::other, type};
}

// Turbopack's update of a subscribed chunk list: an entry of `data` (one or a list) that is not
// only a report of issues.
bool turbopack_updates_chunks(const json& message) {
    auto data = message.find("data");
    if (data == message.end()) {
        return false;
    }
    json entries = data->is_array() ? *data : json::array({*data});
    return std::any_of(entries.begin(), entries.end(), [](const json& entry) {
        return entry.is_object() && text_field(entry, "type") != "issues";
    });
}

HmrSignal classify_next(const json& message, bool turbopack) {
    std::string action = text_field(message, "action");
    if (action == "built" || action == "sync") {
        if (message.contains("errors") && message["errors"].is_array() &&
            !message["errors"].empty()) {
            return {HmrSignalKind::error, first_line(message["errors"][0])};
        }
        // Turbopack says "built" after every compilation, whether the page changed or not: its
        // update is the turbopack-message. Webpack's sync that only tells a new client the
        // current state ends a reload only after an edit, which is when farm listens.
        return {turbopack ? HmrSignalKind::other : HmrSignalKind::update, action};
    }
    if (action == "turbopack-message") {
        return {turbopack_updates_chunks(message) ? HmrSignalKind::update : HmrSignalKind::other,
                action};
    }
    if (action == "serverComponentChanges" || action == "reloadPage" || action == "clientChanges" ||
        action == "serverOnlyChanges") {
        return {HmrSignalKind::update, action};
    }
    if (action == "serverError") {
        return {HmrSignalKind::error, first_line(message.value("errorJSON", json("server error")))};
    }
    return {HmrSignalKind::other, action};
}

// The ws:// origin of an http:// page URL: "http://localhost:5173/a" -> "ws://localhost:5173".
std::optional<std::string> socket_origin(const std::string& page_url) {
    std::optional<std::pair<std::string, int>> where = url_host_port(page_url);
    if (!where || page_url.rfind("http://", 0) != 0) {
        return std::nullopt;
    }
    std::string host =
        where->first.find(':') != std::string::npos ? "[" + where->first + "]" : where->first;
    return "ws://" + host + ":" + std::to_string(where->second);
}

} // namespace

HmrSignal classify_hmr_message(HmrProtocol protocol, const std::string& message) {
    json parsed = core::parse_json_or_discarded(message); // a server may nest 100,000 deep
    if (parsed.is_discarded() || !parsed.is_object()) {
        return {HmrSignalKind::other, ""}; // Next's "ping" frames are not JSON objects either
    }
    if (protocol == HmrProtocol::vite) {
        return classify_vite(parsed);
    }
    return classify_next(parsed, protocol == HmrProtocol::next_turbopack);
}

const char* hmr_protocol_name(HmrProtocol protocol) {
    switch (protocol) {
    case HmrProtocol::vite:
        return "vite-hmr";
    case HmrProtocol::next_webpack:
        return "next-webpack-hmr";
    case HmrProtocol::next_turbopack:
        return "next-turbopack-hmr";
    }
    return "";
}

std::string hmr_message_name(HmrProtocol protocol, const std::string& type) {
    switch (protocol) {
    case HmrProtocol::vite:
        return "vite:" + type;
    case HmrProtocol::next_webpack:
        return "next:" + type;
    case HmrProtocol::next_turbopack:
        return "turbopack:" + type;
    }
    return type;
}

std::unique_ptr<HmrListener> HmrListener::connect(const std::string& page_url, double timeout_s) {
    std::optional<std::string> origin = socket_origin(page_url);
    if (!origin) {
        return nullptr;
    }
    // Vite answers its greeting at once; a server that accepts the socket but does not greet
    // this way is not Vite.
    try {
        auto socket = std::make_unique<net::WebSocket>(*origin + "/", "vite-hmr", timeout_s);
        std::optional<std::string> hello = socket->receive(timeout_s);
        if (hello && classify_hmr_message(HmrProtocol::vite, *hello).detail == "connected") {
            return std::unique_ptr<HmrListener>(
                new HmrListener(std::move(socket), HmrProtocol::vite, page_url));
        }
    } catch (const NetworkError&) {
        // Not Vite (or not yet): try Next.js.
    }
    try {
        auto socket =
            std::make_unique<net::WebSocket>(*origin + "/_next/webpack-hmr", "", timeout_s);
        HmrProtocol protocol = HmrProtocol::next_webpack;
        // Turbopack says so first; webpack sends its state ("sync") or nothing.
        Clock::time_point until = Clock::now() + std::chrono::milliseconds(300);
        while (Clock::now() < until) {
            std::optional<std::string> message = socket->receive(0.05);
            if (message && message->find("\"turbopack-connected\"") != std::string::npos) {
                protocol = HmrProtocol::next_turbopack;
                break;
            }
        }
        std::unique_ptr<HmrListener> listener(
            new HmrListener(std::move(socket), protocol, page_url));
        if (protocol == HmrProtocol::next_turbopack) {
            listener->subscribe_to_page(timeout_s);
        }
        listener->keep_alive();
        return listener;
    } catch (const NetworkError&) {
        return nullptr;
    }
}

void HmrListener::subscribe_to_page(double timeout_s) {
    std::optional<std::string> html = http_body(m_page_url, timeout_s);
    if (!html) {
        return;
    }
    std::string origin = *socket_origin(m_page_url);
    origin.replace(0, 2, "http"); // ws://host:port -> http://host:port
    for (const NextScript& script : next_scripts(*html)) {
        std::string url = script.src.rfind("http", 0) == 0 ? script.src : origin + script.src;
        std::optional<std::string> body = http_body(url, timeout_s);
        if (body && is_turbopack_chunk_list(*body)) {
            m_socket->send_text(turbopack_subscribe_message(script.path));
            ++m_subscriptions;
        }
    }
}

void HmrListener::keep_alive() {
    if (m_protocol != HmrProtocol::next_webpack ||
        Clock::now() - m_last_ping < std::chrono::milliseconds(2500)) {
        return;
    }
    for (const std::string& ping : next_ping_messages(url_path(m_page_url))) {
        m_socket->send_text(ping);
    }
    m_last_ping = Clock::now();
}

HmrSignal HmrListener::classify(const std::string& message) const {
    // A Turbopack page with no chunk list to subscribe to gets no chunk updates: its "built"
    // is then the only word of a finished compilation.
    HmrProtocol as = m_protocol == HmrProtocol::next_turbopack && m_subscriptions == 0
                         ? HmrProtocol::next_webpack
                         : m_protocol;
    return classify_hmr_message(as, message);
}

void HmrListener::drain() {
    keep_alive();
    while (m_socket->receive(0)) {
    }
}

std::optional<std::pair<HmrSignal, Clock::time_point>> HmrListener::next(double wait_s) {
    Clock::time_point until =
        Clock::now() +
        std::chrono::microseconds(static_cast<long long>(std::max(0.0, wait_s) * 1e6));
    keep_alive();
    for (;;) {
        double left = std::chrono::duration<double>(until - Clock::now()).count();
        std::optional<std::string> message = m_socket->receive(std::max(0.0, left));
        if (!message) {
            return std::nullopt;
        }
        Clock::time_point arrived = Clock::now();
        HmrSignal signal = classify(*message);
        if (signal.kind != HmrSignalKind::other) {
            return std::make_pair(signal, arrived);
        }
        // Past `until`, what has already arrived is still read: an update may wait behind a
        // "building" message.
    }
}

} // namespace farm::dev
