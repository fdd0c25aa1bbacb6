#include "farm/dev/browser.hpp"

#include "farm/core/error.hpp"
#include "farm/core/json_depth.hpp"
#include "farm/net/http_client.hpp"

#include <chrono>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace farm::dev {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool executable(const std::filesystem::path& file) {
    return std::filesystem::is_regular_file(file) && access(file.c_str(), X_OK) == 0;
}

std::filesystem::path fresh_profile() {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::string pattern = (base / "farm-chromium-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create a profile folder for Chromium in " + base.string(),
                    ExitCode::command_failed);
    }
    return pattern;
}

// The DevTools port from Chromium's "DevTools listening on ws://127.0.0.1:PORT/devtools/..."
// line, waiting for it at most until `until`.
int devtools_port(exec::Service& process, Clock::time_point until) {
    static const std::regex listening(R"(DevTools listening on ws://[^:/]+:([0-9]+)/)");
    std::uint64_t seen = 0;
    while (Clock::now() < until) {
        for (const exec::OutputLine& line : process.lines_after(seen)) {
            seen = line.sequence;
            std::smatch match;
            if (std::regex_search(line.text, match, listening)) {
                return std::stoi(match[1].str());
            }
        }
        if (!process.running()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string why = process.running() ? "did not open its DevTools port in time"
                                        : "exited (" + process.describe_exit() + ")";
    std::string lines;
    for (const std::string& line : process.last_lines(5)) {
        lines += "\n    " + line;
    }
    throw Error("Chromium " + why + "; its last output lines:" + lines, ExitCode::command_failed);
}

// The DevTools socket of Chromium's first page, from GET /json/list.
std::string page_socket_url(int port, Clock::time_point until) {
    net::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(port) + "/json/list";
    request.connect_timeout_s = 1;
    request.total_timeout_s = 2;
    request.no_proxy = true;
    while (Clock::now() < until) {
        try {
            net::HttpResponse response = net::send(request);
            json targets = core::parse_json_or_discarded(response.body);
            if (targets.is_array()) {
                for (const json& target : targets) {
                    if (target.value("type", "") == "page" &&
                        target.contains("webSocketDebuggerUrl")) {
                        return target["webSocketDebuggerUrl"].get<std::string>();
                    }
                }
            }
        } catch (const NetworkError&) {
            // Not answering yet.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw Error("Chromium opened no page to drive (GET " + request.url + ")",
                ExitCode::command_failed);
}

// Put before every page's own scripts: counts what the page's WebSockets open, receive and send,
// so that farm can tell when the page's hot-reload client is connected. The page's sockets keep
// working as before (a subclass of the browser's own WebSocket).
const char* const socket_watch_script = R"js((() => {
  const Native = window.WebSocket;
  if (!Native || window.__farmSockets) return;
  const state = window.__farmSockets = { opened: 0, received: 0, sent: 0, firstMessageAt: 0 };
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { state.opened++; });
      this.addEventListener("message", () => {
        state.received++;
        if (!state.firstMessageAt) state.firstMessageAt = performance.now();
      });
    }
    send(data) { state.sent++; return super.send(data); }
  }
  window.WebSocket = Watched;
})();)js";

} // namespace

std::filesystem::path find_chromium(const std::string& given) {
    if (!given.empty()) {
        if (!executable(given)) {
            throw UsageError("--chromium " + given + ": not an executable file");
        }
        return given;
    }
    const char* path = std::getenv("PATH");
    std::istringstream folders(path ? path : "");
    std::string folder;
    std::vector<std::string> dirs;
    while (std::getline(folders, folder, ':')) {
        dirs.push_back(folder.empty() ? "." : folder);
    }
    for (const char* name :
         {"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}) {
        for (const std::string& dir : dirs) {
            std::filesystem::path candidate = std::filesystem::path(dir) / name;
            if (executable(candidate)) {
                return candidate;
            }
        }
    }
    throw UsageError("--browser needs Chromium, and none was found on PATH (chromium, "
                     "chromium-browser, google-chrome); install it (Debian and Ubuntu: "
                     "apt-get install chromium) or name it with --chromium PATH");
}

Browser::Browser(const std::filesystem::path& chromium, double timeout_s) {
    m_profile = fresh_profile();
    exec::ChildCommand command;
    // --no-sandbox: the sandbox cannot start as root or in most containers, and the pages are
    // the user's own dev servers.
    command.argv = {chromium.string(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-extensions",
                    "--disable-background-networking",
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "--user-data-dir=" + m_profile.string(),
                    "about:blank"};
    Clock::time_point until =
        Clock::now() + std::chrono::milliseconds(std::max(1, int(timeout_s * 1000)));
    try {
        m_process = std::make_unique<exec::Service>(command, 200);
        int port = devtools_port(*m_process, until);
        m_page = std::make_unique<net::WebSocket>(page_socket_url(port, until), "", timeout_s);
        call("Page.enable", json::object(), timeout_s);
        call("Runtime.enable", json::object(), timeout_s);
        call("Page.addScriptToEvaluateOnNewDocument", {{"source", socket_watch_script}}, timeout_s);
    } catch (...) {
        stop();
        throw;
    }
}

Browser::~Browser() {
    stop();
}

void Browser::stop() {
    m_page.reset();
    if (m_process) {
        m_process->stop(2.0);
    }
    if (!m_profile.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(m_profile, ignored);
        m_profile.clear();
    }
}

void Browser::note_event(const json& message) {
    if (message.value("method", "") == "Page.loadEventFired") {
        m_loaded = true;
    }
}

json Browser::call(const std::string& method, const json& params, double timeout_s) {
    int id = m_next_id++;
    m_page->send_text(json{{"id", id}, {"method", method}, {"params", params}}.dump());
    Clock::time_point start = Clock::now();
    while (seconds_since(start) < timeout_s) {
        std::optional<std::string> text = m_page->receive(timeout_s - seconds_since(start));
        if (!text) {
            break;
        }
        json message = core::parse_json_or_discarded(*text);
        if (!message.is_object()) {
            continue;
        }
        if (message.value("id", -1) == id) {
            if (message.contains("error")) {
                throw Error("Chromium refused " + method + ": " + message["error"].dump(),
                            ExitCode::command_failed);
            }
            return message.value("result", json::object());
        }
        note_event(message);
    }
    throw Error("Chromium did not answer " + method + " within the timeout",
                ExitCode::command_failed);
}

double Browser::load(const std::string& url, double timeout_s) {
    Clock::time_point start = Clock::now();
    m_loaded = false;
    json result = call("Page.navigate", {{"url", url}}, timeout_s);
    if (result.contains("errorText")) {
        throw Error("Chromium could not open " + url + ": " + result["errorText"].dump(),
                    ExitCode::command_failed);
    }
    while (!m_loaded) {
        double left = timeout_s - seconds_since(start);
        std::optional<std::string> text = left > 0 ? m_page->receive(left) : std::nullopt;
        if (!text) {
            throw Error("the page " + url +
                            " did not finish loading in Chromium within the "
                            "timeout",
                        ExitCode::command_failed);
        }
        json message = core::parse_json_or_discarded(*text);
        if (message.is_object()) {
            note_event(message);
        }
    }
    return seconds_since(start);
}

bool Browser::wait_for_live_updates(double max_s) {
    const std::string expression =
        "(() => { const s = window.__farmSockets; return !!s && s.received > 0 && "
        "(s.sent > 0 || performance.now() - s.firstMessageAt > 500); })()";
    Clock::time_point start = Clock::now();
    while (seconds_since(start) < max_s) {
        try {
            json result = call("Runtime.evaluate",
                               {{"expression", expression}, {"returnByValue", true}}, 5.0);
            if (result.contains("result") && result["result"].value("value", json(false)) == true) {
                return true;
            }
        } catch (const Error&) {
            // Between two documents: ask again.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

bool Browser::page_shows(const std::string& text) {
    std::string expression =
        "(document.body ? document.body.innerText : '').includes(" + json(text).dump() + ")";
    try {
        json result =
            call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}}, 5.0);
        return !result.contains("exceptionDetails") && result.contains("result") &&
               result["result"].value("value", json(false)) == json(true);
    } catch (const Error&) {
        // The page is between two documents (a full reload): it does not show it yet.
        return false;
    }
}

} // namespace farm::dev
