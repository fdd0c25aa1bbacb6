#include "farm/dev/session.hpp"

#include "farm/core/error.hpp"
#include "farm/core/redact.hpp"
#include "farm/dev/readiness.hpp"
#include "farm/dev/reload_edit.hpp"
#include "farm/exec/interrupt.hpp"
#include "farm/exec/service.hpp"
#include "farm/exec/tree_sampler.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <poll.h>
#include <regex>
#include <unistd.h>

namespace farm::dev {

namespace {

using Clock = std::chrono::steady_clock;

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

// How a session ends early; caught once in measure_dev.
struct SessionStop {
    DevOutcome outcome;
    std::string message;
};

// Sleeps up to `wait_s`; true when an interrupt (Ctrl-C, SIGTERM) arrived.
bool interrupted_within(double wait_s) {
    if (exec::interrupted()) {
        return true;
    }
    pollfd p = {exec::interrupt_fd(), POLLIN, 0};
    int timeout_ms = std::max(1, int(wait_s * 1000));
    if (p.fd >= 0) {
        poll(&p, 1, timeout_ms);
    } else {
        usleep(useconds_t(timeout_ms) * 1000);
    }
    return exec::interrupted();
}

void stop_if_interrupted(double wait_s) {
    if (interrupted_within(wait_s)) {
        throw SessionStop{DevOutcome::interrupted, "interrupted; every service was stopped"};
    }
}

struct Running {
    const ServiceSpec* spec = nullptr;
    std::unique_ptr<exec::Service> service;
    std::optional<std::regex> ready_pattern;
    std::uint64_t seen = 0;
    std::optional<int> printed_port;
    bool ready = false;
    double startup_s = 0;
};

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

// One look at whether the service is ready; sets `ready_at` when it is.
bool probe_ready(Running& r, Clock::time_point& ready_at) {
    const core::DevReady& ready = r.spec->ready;
    std::vector<exec::OutputLine> lines = r.service->lines_after(r.seen);
    if (!lines.empty()) {
        r.seen = lines.back().sequence;
    }
    for (const exec::OutputLine& line : lines) {
        if (r.ready_pattern && std::regex_search(line.text, *r.ready_pattern)) {
            ready_at = line.arrived;
            return true;
        }
        if (ready.kind == core::DevReadyKind::printed_port && !r.printed_port) {
            r.printed_port = printed_local_port(line.text);
        }
    }
    bool accepted = false;
    switch (ready.kind) {
    case core::DevReadyKind::url:
        accepted = http_answers_2xx(ready.url);
        break;
    case core::DevReadyKind::port:
        accepted = tcp_accepts(ready.host, ready.port);
        break;
    case core::DevReadyKind::printed_port:
        accepted = r.printed_port && tcp_accepts("localhost", *r.printed_port);
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

void wait_until_ready(const DevPlan& plan, RunningServices& running,
                      const std::function<void(const std::string&)>& progress,
                      const std::string& run_label) {
    for (;;) {
        bool all_ready = true;
        for (Running& r : running.items) {
            if (r.ready) {
                continue;
            }
            Clock::time_point ready_at;
            if (probe_ready(r, ready_at)) {
                r.ready = true;
                r.startup_s = std::max(0.0, seconds(ready_at - r.service->started()));
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

// Edits the service's file and waits for its reload signal; the time between the two.
double one_reload(const DevPlan& plan, Running& r, ReloadEdit& edit, std::size_t number,
                  const std::optional<std::regex>& done_pattern) {
    const core::DevReload& reload = *r.spec->reload;
    std::uint64_t seen = r.service->last_sequence();
    std::optional<std::string> before;
    if (!reload.url.empty()) {
        before = http_body(reload.url);
        if (!before) {
            throw SessionStop{DevOutcome::failed, "service '" + r.spec->name + "': GET " +
                                                      core::redact_secrets(reload.url) +
                                                      " does not answer 2xx, so its reload "
                                                      "cannot be seen (dev reload.url)"};
        }
    }
    Clock::time_point edited = Clock::now();
    edit.apply(number);
    for (;;) {
        if (done_pattern) {
            std::vector<exec::OutputLine> lines = r.service->lines_after(seen);
            for (const exec::OutputLine& line : lines) {
                if (std::regex_search(line.text, *done_pattern)) {
                    return std::max(0.0, seconds(line.arrived - edited));
                }
            }
            if (!lines.empty()) {
                seen = lines.back().sequence;
            }
        } else {
            std::optional<std::string> now = http_body(reload.url);
            if (now && *now != *before) {
                return seconds(Clock::now() - edited);
            }
        }
        check_alive(r, "during a reload");
        if (seconds(Clock::now() - edited) > plan.timeout_s) {
            throw SessionStop{
                DevOutcome::failed,
                "service '" + r.spec->name + "': reload " + std::to_string(number) +
                    " was not seen after " + seconds_text(plan.timeout_s) + " (waiting for " +
                    (done_pattern
                         ? "an output line matching /" + reload.pattern + "/"
                         : "the body of GET " + core::redact_secrets(reload.url) + " to change") +
                    " after editing " + reload.file + ")." + last_output(*r.service)};
        }
        stop_if_interrupted(done_pattern ? 0.002 : 0.005);
    }
}

void measure_reloads(const DevPlan& plan, RunningServices& running,
                     std::vector<ServiceMeasurement>& measurements,
                     const std::function<void(const std::string&)>& progress) {
    for (std::size_t i = 0; i < running.items.size(); ++i) {
        Running& r = running.items[i];
        if (!r.spec->reload || plan.reloads == 0) {
            continue;
        }
        const core::DevReload& reload = *r.spec->reload;
        std::optional<std::regex> done_pattern;
        if (!reload.pattern.empty()) {
            done_pattern.emplace(reload.pattern);
        }
        std::unique_ptr<ReloadEdit> edit;
        try {
            edit = std::make_unique<ReloadEdit>(r.spec->command.cwd / reload.file, reload.edit,
                                                reload.text);
        } catch (const Error& e) {
            throw SessionStop{DevOutcome::failed, "service '" + r.spec->name + "': " + e.what()};
        }
        for (std::size_t n = 1; n <= plan.reloads; ++n) {
            // What the service does after starting or after the previous reload (watchers often
            // report one write twice) must not be taken for this reload's signal.
            stop_if_interrupted(plan.settle_s);
            double s = one_reload(plan, r, *edit, n, done_pattern);
            measurements[i].reload_s.push_back(s);
            if (progress) {
                progress(r.spec->name + " reload " + std::to_string(n) + "/" +
                         std::to_string(plan.reloads) + " in " + ms_text(s));
            }
        }
        edit->restore();
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
                      const std::function<void(const std::string&)>& progress) {
    DevResult result;
    for (const ServiceSpec& spec : plan.services) {
        ServiceMeasurement measurement;
        measurement.name = spec.name;
        measurement.kind = spec.kind;
        measurement.command = spec.command_text;
        result.services.push_back(std::move(measurement));
    }
    Clock::time_point start = Clock::now();
    try {
        for (std::size_t run = 1; run <= plan.runs; ++run) {
            std::string label =
                "run " + std::to_string(run) + "/" + std::to_string(plan.runs) + ": ";
            RunningServices running;
            running.grace_s = plan.kill_grace_s;
            start_all(plan, running, result);
            wait_until_ready(plan, running, progress, label);
            for (std::size_t i = 0; i < running.items.size(); ++i) {
                result.services[i].startup_s.push_back(running.items[i].startup_s);
            }
            sample_window(plan, running, result.services);
            if (run == plan.runs) {
                measure_reloads(plan, running, result.services, progress);
            }
            running.stop_all();
        }
    } catch (const SessionStop& stop) {
        result.outcome = stop.outcome;
        result.failure = stop.message;
    }
    result.total_s = seconds(Clock::now() - start);
    return result;
}

} // namespace farm::dev
