#include "farm/dev/session.hpp"

#include "farm/core/error.hpp"
#include "farm/dev/readiness.hpp"
#include "farm/dev/session_parts.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <poll.h>
#include <unistd.h>

namespace farm::dev {

namespace detail {

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::string seconds_text(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

std::string ms_text(double s) {
    return std::to_string(std::llround(s * 1000)) + " ms";
}

void stop_if_interrupted(double wait_s) {
    bool interrupted = exec::interrupted();
    if (!interrupted) {
        pollfd p = {exec::interrupt_fd(), POLLIN, 0};
        int timeout_ms = std::max(1, int(wait_s * 1000));
        if (p.fd >= 0) {
            poll(&p, 1, timeout_ms);
        } else {
            usleep(useconds_t(timeout_ms) * 1000);
        }
        interrupted = exec::interrupted();
    }
    if (interrupted) {
        throw SessionStop{DevOutcome::interrupted, "interrupted; every service was stopped"};
    }
}

std::string Running::page_url() const {
    if (spec->reload && !spec->reload->page.empty()) {
        return spec->reload->page;
    }
    if (spec->ready.kind == core::DevReadyKind::url) {
        return spec->ready.url;
    }
    return printed.current() ? printed.current()->url : std::string();
}

std::string last_output(const exec::Service& service) {
    std::vector<std::string> lines = service.last_lines(15);
    if (lines.empty()) {
        return " It printed nothing.";
    }
    std::string text = " Its last output lines:";
    for (const std::string& line : lines) {
        text += "\n    " + line;
    }
    return text;
}

void check_alive(Running& r, const std::string& when) {
    if (!r.service->running()) {
        r.service->wait_for_output(0.5); // its last words are usually the reason
        throw SessionStop{DevOutcome::failed, "service '" + r.spec->name + "' exited (" +
                                                  r.service->describe_exit() + ") " + when + "." +
                                                  last_output(*r.service)};
    }
}

} // namespace detail

namespace {

using namespace detail;

// Stops every service when it goes out of scope, however the run ends.
struct RunningServices {
    std::vector<Running> items;
    double grace_s = 3;
    ~RunningServices() { stop_all(); }
    void stop_all() {
        for (Running& r : items) {
            r.service->stop(grace_s);
        }
    }
};

// Reads the lines that came since the last look: the first output, the printed address, and
// whether a line matches the ready pattern (ANSI codes removed first). True on a match.
bool read_output(Running& r, Clock::time_point& matched_at) {
    std::vector<exec::OutputLine> lines = r.service->lines_after(r.seen);
    if (!lines.empty()) {
        r.seen = lines.back().sequence;
    }
    for (const exec::OutputLine& line : lines) {
        if (!r.first_output) {
            r.first_output = line.arrived;
        }
        std::string plain = strip_ansi(line.text);
        r.printed.see(plain);
        if (r.ready_pattern && std::regex_search(plain, *r.ready_pattern)) {
            matched_at = line.arrived;
            return true;
        }
    }
    return false;
}

// Where the service's port is, as far as known now.
std::optional<std::pair<std::string, int>> port_address(const Running& r) {
    const core::DevReady& ready = r.spec->ready;
    if (ready.kind == core::DevReadyKind::port) {
        return std::make_pair(ready.host, ready.port);
    }
    if (ready.kind == core::DevReadyKind::url) {
        return url_host_port(ready.url);
    }
    if (r.printed.current()) {
        return url_host_port(r.printed.current()->url);
    }
    return std::nullopt;
}

// One look at whether the service is ready; sets `ready_at` when it is.
bool probe_ready(Running& r, Clock::time_point& ready_at) {
    if (read_output(r, ready_at)) {
        return true;
    }
    if (!r.port_open) {
        std::optional<std::pair<std::string, int>> where = port_address(r);
        if (where && tcp_accepts(where->first, where->second)) {
            r.port_open = Clock::now();
        }
    }
    bool accepted = false;
    switch (r.spec->ready.kind) {
    case core::DevReadyKind::url:
        accepted = r.port_open && http_answers_ready(r.spec->ready.url);
        if (accepted) {
            r.first_2xx = Clock::now();
        }
        break;
    case core::DevReadyKind::port:
    case core::DevReadyKind::printed_port:
        accepted = r.port_open.has_value();
        break;
    case core::DevReadyKind::output:
        break;
    }
    if (accepted) {
        ready_at = Clock::now();
    }
    return accepted;
}

void start_all(const DevPlan& plan, RunningServices& running, DevResult& result) {
    for (const ServiceSpec& spec : plan.services) {
        Running r;
        r.spec = &spec;
        if (spec.ready.kind == core::DevReadyKind::output) {
            r.ready_pattern.emplace(spec.ready.pattern);
        }
        try {
            r.service = std::make_unique<exec::Service>(spec.command);
        } catch (const Error& e) {
            throw SessionStop{DevOutcome::failed, "service '" + spec.name + "': " + e.what()};
        }
        result.service_pids.push_back(r.service->pid());
        running.items.push_back(std::move(r));
    }
}

void wait_until_ready(const DevPlan& plan, RunningServices& running, const Progress& progress,
                      const std::string& run_label) {
    for (;;) {
        bool all_ready = true;
        for (Running& r : running.items) {
            if (r.ready) {
                continue;
            }
            if (probe_ready(r, r.ready_at)) {
                r.ready = true;
                r.startup_s = std::max(0.0, seconds(r.ready_at - r.service->started()));
                if (progress) {
                    progress(run_label + r.spec->name + " ready in " + ms_text(r.startup_s));
                }
                continue;
            }
            all_ready = false;
            check_alive(r, "before it was ready");
            if (seconds(Clock::now() - r.service->started()) > plan.timeout_s) {
                throw SessionStop{DevOutcome::failed,
                                  "service '" + r.spec->name + "' was not ready after " +
                                      seconds_text(plan.timeout_s) + " (waiting for " +
                                      describe_ready(r.spec->ready) +
                                      "); it was stopped, with every other service." +
                                      last_output(*r.service)};
            }
        }
        if (all_ready) {
            return;
        }
        stop_if_interrupted(0.01);
    }
}

// The phase after readiness: the page's first 2xx or 3xx answer (this first request is also
// what makes Next.js compile the route), then, with a browser, its load event. A page that
// answers 4xx has no such phase; one that never answers within the timeout stops the session.
void open_pages(const DevPlan& plan, RunningServices& running, Browser* browser,
                const Progress& progress, const std::string& run_label) {
    for (Running& r : running.items) {
        std::string page = r.page_url();
        if (page.empty()) {
            continue;
        }
        Clock::time_point start = Clock::now();
        while (!r.first_2xx) {
            std::optional<int> status = http_status(page, std::max(1.0, plan.timeout_s));
            if (status && *status >= 200 && *status < 400) {
                r.first_2xx = Clock::now();
            } else if (status && *status >= 400 && *status < 500) {
                break;
            } else {
                check_alive(r, "before its page answered");
                if (seconds(Clock::now() - start) > plan.timeout_s) {
                    throw SessionStop{DevOutcome::failed, "service '" + r.spec->name + "': GET " +
                                                              page +
                                                              " gave no 2xx or 3xx answer within " +
                                                              seconds_text(plan.timeout_s) + "." +
                                                              last_output(*r.service)};
                }
                stop_if_interrupted(0.05);
            }
        }
        if (browser && r.first_2xx) {
            try {
                browser->load(page, plan.timeout_s);
                r.page_loaded = Clock::now();
            } catch (const Error& e) {
                throw SessionStop{DevOutcome::failed,
                                  "service '" + r.spec->name + "': " + std::string(e.what())};
            }
        }
        if (progress && r.first_2xx) {
            progress(run_label + r.spec->name + " page answered after " +
                     ms_text(seconds(*r.first_2xx - r.service->started())));
        }
    }
}

void sample_window(const DevPlan& plan, RunningServices& running,
                   std::vector<ServiceMeasurement>& measurements) {
    std::vector<std::unique_ptr<exec::TreeSampler>> samplers;
    std::vector<double> cpu_start;
    for (Running& r : running.items) {
        samplers.push_back(std::make_unique<exec::TreeSampler>(r.service->pid()));
        samplers.back()->sample();
        cpu_start.push_back(samplers.back()->cpu_seconds());
    }
    Clock::time_point start = Clock::now();
    double period = 1.0 / std::max(plan.sample_hz, 1.0);
    while (seconds(Clock::now() - start) < plan.duration_s) {
        stop_if_interrupted(std::min(period, plan.duration_s - seconds(Clock::now() - start)));
        for (std::size_t i = 0; i < running.items.size(); ++i) {
            check_alive(running.items[i], "while its CPU and memory were sampled");
            samplers[i]->sample();
        }
    }
    double window_s = std::max(seconds(Clock::now() - start), 1e-9);
    for (std::size_t i = 0; i < running.items.size(); ++i) {
        measurements[i].cpu_cores_mean.push_back((samplers[i]->cpu_seconds() - cpu_start[i]) /
                                                 window_s);
        measurements[i].rss_peak_bytes.push_back(double(samplers[i]->peak_rss_bytes()));
    }
}

} // namespace

void check_ports_free(const std::vector<ServiceSpec>& services) {
    for (const ServiceSpec& s : services) {
        std::optional<std::pair<std::string, int>> where;
        if (s.ready.kind == core::DevReadyKind::port) {
            where = std::make_pair(s.ready.host, s.ready.port);
        } else if (s.ready.kind == core::DevReadyKind::url) {
            where = url_host_port(s.ready.url);
        }
        if (where && tcp_accepts(where->first, where->second)) {
            throw UsageError("port " + std::to_string(where->second) + " of service '" + s.name +
                             "' is already in use (by another process); stop it or change the "
                             "port. Nothing was started.");
        }
    }
}

DevResult measure_dev(const DevPlan& plan,
                      const std::function<void(const DevProgress&)>& on_progress) {
    DevResult result;
    std::size_t reloading =
        std::size_t(std::count_if(plan.services.begin(), plan.services.end(),
                                  [](const ServiceSpec& s) { return s.reload.has_value(); }));
    DevProgress state{"", 0, plan.runs + plan.reloads * reloading};
    Progress progress = [&](const std::string& text) {
        if (on_progress) {
            state.text = text;
            on_progress(state);
        }
    };
    Progress reload_done = [&](const std::string& text) {
        ++state.done;
        progress(text);
    };
    for (const ServiceSpec& spec : plan.services) {
        ServiceMeasurement measurement;
        measurement.name = spec.name;
        measurement.kind = spec.kind;
        measurement.framework = spec.framework;
        measurement.command = spec.command_text;
        result.services.push_back(std::move(measurement));
    }
    Clock::time_point start = Clock::now();
    result.started = start;
    std::unique_ptr<Browser> browser;
    try {
        if (!plan.chromium.empty()) {
            try {
                browser = std::make_unique<Browser>(plan.chromium, plan.timeout_s);
                result.browser_pids.push_back(browser->pid());
            } catch (const Error& e) {
                throw SessionStop{DevOutcome::failed, e.what()};
            }
        }
        for (std::size_t run = 1; run <= plan.runs; ++run) {
            std::string label =
                "run " + std::to_string(run) + "/" + std::to_string(plan.runs) + ": ";
            RunningServices running;
            running.grace_s = plan.kill_grace_s;
            start_all(plan, running, result);
            wait_until_ready(plan, running, progress, label);
            open_pages(plan, running, browser.get(), progress, label);
            record_phases(running.items, result);
            ++state.done;
            progress(label + (plan.duration_s > 0 ? "ready; sampling CPU and memory" : "ready"));
            sample_window(plan, running, result.services);
            if (run == plan.runs) {
                measure_reloads(plan, running.items, result.services, browser.get(), reload_done,
                                start);
            }
            running.stop_all();
        }
    } catch (const SessionStop& stop) {
        result.outcome = stop.outcome;
        result.failure = stop.message;
    }
    if (browser) {
        browser->stop();
    }
    result.total_s = seconds(Clock::now() - start);
    return result;
}

} // namespace farm::dev
