// The reloads of a perf:dev session, each timed from the file edit by up to three clocks that run
// side by side: the configured server signal (an output line, or the body of a URL changing),
// the dev server's HMR message (hmr_client.hpp), and the browser showing the edit's marker
// (browser.hpp). A reload ends when every clock that runs has stopped.
#include "farm/core/error.hpp"
#include "farm/core/redact.hpp"
#include "farm/dev/hmr_client.hpp"
#include "farm/dev/reload_edit.hpp"
#include "farm/dev/session_parts.hpp"

namespace farm::dev::detail {

namespace {

// What watches one service's reloads.
struct Watchers {
    const core::DevReload* reload = nullptr;
    std::optional<std::regex> log_pattern;
    std::unique_ptr<HmrListener> hmr;
    Browser* browser = nullptr; // set only when the edit puts a marker on the page
    std::string module_url;     // Vite: the edited file as the dev server serves it
};

struct ReloadTimes {
    Clock::time_point edited{};
    std::optional<double> server_log_s;
    std::optional<double> hmr_s;
    std::string hmr_message; // what stopped the HMR clock ("vite:update", "next:built"...)
    std::optional<double> browser_s;
};

SessionStop failure(const Running& r, const std::string& what) {
    return SessionStop{DevOutcome::failed, "service '" + r.spec->name + "': " + what};
}

// "http://localhost:5173/a/b" -> "http://localhost:5173".
std::string origin_of(const std::string& url) {
    std::size_t scheme_end = url.find("://");
    std::size_t path =
        scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    return path == std::string::npos ? url : url.substr(0, path);
}

// Vite compiles a module when a client asks for it, and sends HMR updates only for modules a
// client asked for: the edited file is requested once before the reloads (as the page's script
// would), and once after each update, where a 5xx answer means that the edit does not compile.
void check_module_compiles(const Running& r, const Watchers& w, std::size_t number) {
    if (w.module_url.empty()) {
        return;
    }
    std::optional<int> status = http_status(w.module_url, 30);
    if (status && *status >= 500) {
        throw failure(r, "reload " + std::to_string(number) + ": the dev server cannot compile " +
                             w.reload->file + " after the edit (GET " + w.module_url +
                             " answered " + std::to_string(*status) + ")." +
                             last_output(*r.service));
    }
}

Watchers watchers_for(Running& r, ServiceMeasurement& m, Browser* browser, double timeout_s) {
    Watchers w;
    w.reload = &*r.spec->reload;
    if (!w.reload->pattern.empty()) {
        w.log_pattern.emplace(w.reload->pattern);
    }
    std::string page = r.page_url();
    if (!page.empty()) {
        w.hmr = HmrListener::connect(page, std::min(2.0, timeout_s));
        if (w.hmr) {
            m.hmr_protocol = hmr_protocol_name(w.hmr->protocol());
            if (w.hmr->protocol() == HmrProtocol::vite) {
                w.module_url = origin_of(page) + "/" + w.reload->file;
                check_module_compiles(r, w, 0);
            }
        }
    }
    if (browser) {
        if (page.empty()) {
            m.browser_note = "the service has no page (set reload.page)";
        } else if (w.reload->edit != core::DevReloadEdit::insert) {
            m.browser_note = "the edit puts nothing on the page (use \"edit\": \"insert\")";
        } else {
            try {
                browser->load(page, timeout_s);
            } catch (const Error& e) {
                throw failure(r, e.what());
            }
            // An edit made before the page's hot-reload client is connected never reaches it; a
            // page whose client never connects is still watched (the reload's timeout says so).
            browser->wait_for_live_updates(std::min(10.0, timeout_s));
            w.browser = browser;
        }
    }
    if (!w.log_pattern && w.reload->url.empty() && !w.hmr && !w.browser) {
        throw failure(r, "nothing can see its reloads: it has no HMR socket farm knows (Vite, "
                         "Next.js) at " +
                             (page.empty() ? std::string("its page (none found)") : page) +
                             "; set reload.output (a log line) or reload.url, or use --browser "
                             "with \"edit\": \"insert\"");
    }
    return w;
}

std::string waiting_for(const Watchers& w, const ReloadTimes& t) {
    std::vector<std::string> parts;
    if (w.log_pattern && !t.server_log_s) {
        parts.push_back("an output line matching /" + w.reload->pattern + "/");
    }
    if (!w.reload->url.empty() && !t.server_log_s) {
        parts.push_back("the body of GET " + core::redact_secrets(w.reload->url) + " to change");
    }
    if (w.hmr && !t.hmr_s) {
        parts.push_back(std::string("a ") + hmr_protocol_name(w.hmr->protocol()) + " update");
    }
    if (w.browser && !t.browser_s) {
        parts.push_back("the page to show the edit");
    }
    std::string text;
    for (const std::string& p : parts) {
        text += (text.empty() ? "" : ", ") + p;
    }
    return text;
}

// Stops the HMR clock at the next update message within `wait_s`; throws for an error message.
void read_hmr(const Running& r, Watchers& w, ReloadTimes& t, std::size_t number, double wait_s) {
    auto signal = w.hmr->next(wait_s);
    if (signal && signal->first.kind == HmrSignalKind::error) {
        throw failure(r, "reload " + std::to_string(number) + ": the edit of " + w.reload->file +
                             " does not compile: " + signal->first.detail);
    }
    if (signal) {
        t.hmr_s = std::max(0.0, seconds(signal->second - t.edited));
        t.hmr_message = hmr_message_name(w.hmr->protocol(), signal->first.detail);
    }
}

ReloadTimes one_reload(const DevPlan& plan, Running& r, Watchers& w, ReloadEdit& edit,
                       std::size_t number) {
    std::uint64_t seen = r.service->last_sequence();
    std::optional<std::string> before;
    if (!w.reload->url.empty()) {
        before = http_body(w.reload->url);
        if (!before) {
            throw failure(r, "GET " + core::redact_secrets(w.reload->url) +
                                 " does not answer 2xx, so its reload cannot be seen (dev "
                                 "reload.url)");
        }
    }
    if (w.hmr) {
        w.hmr->drain();
    }
    std::string marker = edit.marker(number);
    ReloadTimes t;
    Clock::time_point edited = Clock::now();
    t.edited = edited;
    edit.apply(number);
    for (;;) {
        if (w.log_pattern && !t.server_log_s) {
            std::vector<exec::OutputLine> lines = r.service->lines_after(seen);
            for (const exec::OutputLine& line : lines) {
                if (!t.server_log_s && std::regex_search(strip_ansi(line.text), *w.log_pattern)) {
                    t.server_log_s = std::max(0.0, seconds(line.arrived - edited));
                }
            }
            if (!lines.empty()) {
                seen = lines.back().sequence;
            }
        }
        if (before && !t.server_log_s) {
            std::optional<std::string> now = http_body(w.reload->url);
            if (now && *now != *before) {
                t.server_log_s = seconds(Clock::now() - edited);
            }
        }
        if (w.hmr && !t.hmr_s) {
            read_hmr(r, w, t, number, 0.002);
        }
        if (w.browser && !t.browser_s && w.browser->page_shows(marker)) {
            t.browser_s = seconds(Clock::now() - edited);
            if (w.hmr && !t.hmr_s) {
                // The message that the browser has already applied reached farm's socket while
                // the page was being asked (a server sends to all its clients at once; Turbopack
                // even inlines the code): read now, it came no later than the browser showed it.
                read_hmr(r, w, t, number, 0);
                if (t.hmr_s) {
                    t.hmr_s = std::min(*t.hmr_s, *t.browser_s);
                }
            }
        }
        bool done = (!w.log_pattern && !before) || t.server_log_s;
        done = done && (!w.hmr || t.hmr_s) && (!w.browser || t.browser_s);
        if (done) {
            return t;
        }
        check_alive(r, "during a reload");
        if (seconds(Clock::now() - edited) > plan.timeout_s) {
            throw failure(r, "reload " + std::to_string(number) + " was not seen after " +
                                 seconds_text(plan.timeout_s) + " (waiting for " +
                                 waiting_for(w, t) + " after editing " + w.reload->file + ")." +
                                 last_output(*r.service));
        }
        stop_if_interrupted(0.002);
    }
}

void record(ServiceMeasurement& m, const ReloadTimes& t, Clock::time_point origin) {
    m.reloads.push_back({std::max(0.0, seconds(t.edited - origin)), t.server_log_s, t.hmr_s,
                         t.hmr_message, t.browser_s});
    if (t.server_log_s) {
        m.server_log_ms.push_back(*t.server_log_s * 1000);
    }
    if (t.hmr_s) {
        m.hmr_ms.push_back(*t.hmr_s * 1000);
    }
    if (t.browser_s) {
        m.browser_ms.push_back(*t.browser_s * 1000);
    }
    std::optional<double> first = t.server_log_s ? t.server_log_s : t.hmr_s ? t.hmr_s : t.browser_s;
    m.reload_s.push_back(first.value_or(0));
}

std::string clocks_text(const ReloadTimes& t) {
    std::string text;
    auto add = [&](const char* name, const std::optional<double>& s) {
        if (s) {
            text += (text.empty() ? "" : ", ") + std::string(name) + " " + ms_text(*s);
        }
    };
    add("log", t.server_log_s);
    add("hmr", t.hmr_s);
    if (!t.hmr_message.empty()) {
        text += " (" + t.hmr_message + ")";
    }
    add("browser", t.browser_s);
    return text;
}

} // namespace

void measure_reloads(const DevPlan& plan, std::vector<Running>& running,
                     std::vector<ServiceMeasurement>& measurements, Browser* browser,
                     const Progress& progress, Clock::time_point origin) {
    for (std::size_t i = 0; i < running.size(); ++i) {
        Running& r = running[i];
        if (!r.spec->reload || plan.reloads == 0) {
            continue;
        }
        const core::DevReload& reload = *r.spec->reload;
        std::unique_ptr<ReloadEdit> edit;
        try {
            edit = std::make_unique<ReloadEdit>(r.spec->command.cwd / reload.file, reload.edit,
                                                reload.text, reload.after);
        } catch (const Error& e) {
            throw failure(r, e.what());
        }
        Watchers w = watchers_for(r, measurements[i], browser, plan.timeout_s);
        for (std::size_t n = 1; n <= plan.reloads; ++n) {
            // What the service does after starting or after the previous reload (watchers often
            // report one write twice) must not be taken for this reload's signal.
            stop_if_interrupted(plan.settle_s);
            ReloadTimes t;
            try {
                t = one_reload(plan, r, w, *edit, n);
            } catch (const NetworkError& e) {
                throw failure(r, std::string("its HMR socket or the browser went away during "
                                             "reload ") +
                                     std::to_string(n) + ": " + e.what());
            }
            check_module_compiles(r, w, n);
            record(measurements[i], t, origin);
            if (progress) {
                progress(r.spec->name + " reload " + std::to_string(n) + "/" +
                         std::to_string(plan.reloads) + ": " + clocks_text(t));
            }
        }
        edit->restore();
    }
}

} // namespace farm::dev::detail
