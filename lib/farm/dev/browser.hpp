// Headless Chromium driven through the DevTools protocol, as `farm perf:dev --browser` uses it:
// load a dev server's page (the start-up phase that ends at the page's load event), then watch
// whether a reload's marker text has reached the page's DOM (the browser clock of a reload).
//
// Chromium is started like every child of farm (exec::Service: its own process group, output
// captured) with a fresh profile folder and --remote-debugging-port=0; the port it picked is read
// from its "DevTools listening on ws://..." line, the page's socket from /json/list, and the
// protocol spoken over net::WebSocket.
//
// Guarantees: the destructor stops Chromium's whole process tree (its zygote and renderers
// included) and removes the profile folder; errors throw farm::Error subclasses that say what
// to do (a missing Chromium names --chromium).
#pragma once

#include "farm/exec/service.hpp"
#include "farm/net/websocket.hpp"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>

namespace farm::dev {

// The Chromium to run: `given` when not empty (it must be an executable file), else the first of
// chromium, chromium-browser, google-chrome-stable, google-chrome on PATH. Throws
// farm::UsageError saying how to install or name one when there is none.
std::filesystem::path find_chromium(const std::string& given);

class Browser {
  public:
    // Starts Chromium and connects to its first page; throws farm::Error when it does not come
    // up within `timeout_s`.
    Browser(const std::filesystem::path& chromium, double timeout_s);
    ~Browser();
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    pid_t pid() const { return m_process->pid(); }

    // Opens `url` and waits for the page's load event; the seconds from the navigation to it.
    // Throws farm::Error when the page does not load within `timeout_s`.
    double load(const std::string& url, double timeout_s);
    // Waits (at most `max_s`) until the page's own hot-reload client is live: one of its
    // WebSockets received a message and, unless 0.5 s passed since, the page sent one (Turbopack's
    // subscriptions). Next.js opens its socket only after hydration, after the load event: an
    // edit before that reaches the page never. False when no socket got live in time.
    bool wait_for_live_updates(double max_s);
    // True when the text of the page's body contains `text`. A page in the middle of reloading
    // answers false.
    bool page_shows(const std::string& text);
    // Stops Chromium (see the guarantees); idempotent.
    void stop();

  private:
    // Sends a DevTools command and waits for its answer (events that come first are noted).
    nlohmann::json call(const std::string& method, const nlohmann::json& params, double timeout_s);
    void note_event(const nlohmann::json& message);

    std::unique_ptr<exec::Service> m_process;
    std::filesystem::path m_profile;
    std::unique_ptr<net::WebSocket> m_page;
    int m_next_id = 1;
    bool m_loaded = false; // a Page.loadEventFired came since the last navigation
};

} // namespace farm::dev
