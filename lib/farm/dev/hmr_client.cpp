#include "farm/dev/hmr_client.hpp"

#include "farm/core/error.hpp"
#include "farm/dev/readiness.hpp"

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

HmrSignal classify_next(const json& message) {
    std::string action = text_field(message, "action");
    if (action == "built" || action == "sync") {
        if (message.contains("errors") && message["errors"].is_array() &&
            !message["errors"].empty()) {
            return {HmrSignalKind::error, first_line(message["errors"][0])};
        }
        // A sync that only tells a new client the current state has no hash change to report;
        // it still ends a reload only after an edit, which is when farm listens.
        return {HmrSignalKind::update, action};
    }
    if (action == "serverComponentChanges" || action == "reloadPage" ||
        action == "turbopack-message" || action == "clientChanges" ||
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
    json parsed = json::parse(message, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return {HmrSignalKind::other, ""}; // Next's "ping" frames are not JSON objects either
    }
    return protocol == HmrProtocol::vite ? classify_vite(parsed) : classify_next(parsed);
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
                new HmrListener(std::move(socket), HmrProtocol::vite));
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
        return std::unique_ptr<HmrListener>(new HmrListener(std::move(socket), protocol));
    } catch (const NetworkError&) {
        return nullptr;
    }
}

void HmrListener::drain() {
    while (m_socket->receive(0)) {
    }
}

std::optional<std::pair<HmrSignal, Clock::time_point>> HmrListener::next(double wait_s) {
    Clock::time_point until =
        Clock::now() +
        std::chrono::microseconds(static_cast<long long>(std::max(0.0, wait_s) * 1e6));
    for (;;) {
        double left = std::chrono::duration<double>(until - Clock::now()).count();
        std::optional<std::string> message = m_socket->receive(std::max(0.0, left));
        if (!message) {
            return std::nullopt;
        }
        Clock::time_point arrived = Clock::now();
        HmrSignal signal = classify_hmr_message(m_protocol, *message);
        if (signal.kind != HmrSignalKind::other) {
            return std::make_pair(signal, arrived);
        }
        if (Clock::now() >= until) {
            return std::nullopt;
        }
    }
}

} // namespace farm::dev
