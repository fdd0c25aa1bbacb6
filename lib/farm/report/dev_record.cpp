#include "farm/report/dev_record.hpp"

#include "farm/measure/stats.hpp"

namespace farm::report {

namespace {

std::optional<double> median_if_any(const std::vector<double>& values) {
    return values.empty() ? std::nullopt : std::optional<double>(measure::median(values));
}

// The HMR message that stopped each reload's HMR clock, one line per reload in iteration order
// (as pnpm_warnings keeps a list in a project fact: iterations hold numbers only); empty unless
// every reload has one, so that line i is iteration i.
std::string hmr_messages(const dev::ServiceMeasurement& s) {
    std::string lines;
    for (const dev::ReloadTimeline& r : s.reloads) {
        if (r.hmr_message.empty()) {
            return "";
        }
        lines += (lines.empty() ? "" : "\n") + r.hmr_message;
    }
    return s.reloads.size() == s.reload_s.size() ? lines : "";
}

} // namespace

history::RunStatus dev_run_status(dev::DevOutcome outcome) {
    return outcome == dev::DevOutcome::completed     ? history::RunStatus::ok
           : outcome == dev::DevOutcome::interrupted ? history::RunStatus::interrupted
                                                     : history::RunStatus::failed;
}

DevReport dev_runs(const dev::DevResult& result, const history::Run& base) {
    DevReport report;
    for (const dev::ServiceMeasurement& s : result.services) {
        analysis::DevServiceFindings findings;
        findings.name = s.name;
        findings.kind = s.kind;
        findings.framework = s.framework;
        if (!s.startup_s.empty()) {
            history::Run run = base;
            run.kind = "dev";
            run.subject = "startup:" + s.name;
            run.command = s.command;
            run.context.project["service_kind"] = s.kind; // the start-up threshold depends on it
            if (!s.framework.empty()) {
                run.context.project["framework"] = s.framework; // the advice names its settings
            }
            for (std::size_t i = 0; i < s.startup_s.size(); ++i) {
                measure::IterationRecord iteration;
                iteration.index = int(i);
                iteration.metrics.push_back({"startup_s", "s", s.startup_s[i]});
                // A phase is stored only when every run saw it, so that iteration i is run i.
                auto add_phase = [&](const char* name, const std::vector<double>& values) {
                    if (values.size() == s.startup_s.size()) {
                        iteration.metrics.push_back({name, "s", values[i]});
                    }
                };
                add_phase("first_output_s", s.first_output_s);
                add_phase("port_open_s", s.port_open_s);
                add_phase("first_2xx_s", s.first_2xx_s);
                add_phase("page_load_s", s.page_load_s);
                if (i < s.cpu_cores_mean.size()) {
                    iteration.metrics.push_back({"cpu_cores_mean", "cores", s.cpu_cores_mean[i]});
                    iteration.metrics.push_back({"rss_peak_bytes", "bytes", s.rss_peak_bytes[i]});
                }
                run.iterations.push_back(std::move(iteration));
            }
            report.runs.push_back(std::move(run));
            findings.startup_median_s = measure::median(s.startup_s);
            findings.startup_runs = s.startup_s.size();
            findings.first_output_s = median_if_any(s.first_output_s);
            findings.port_open_s = median_if_any(s.port_open_s);
            findings.first_2xx_s = median_if_any(s.first_2xx_s);
            findings.page_load_s = median_if_any(s.page_load_s);
        }
        if (!s.reload_s.empty()) {
            history::Run run = base;
            run.kind = "dev";
            run.subject = "reload:" + s.name;
            run.command = s.command;
            run.context.project["service_kind"] = s.kind;
            if (!s.framework.empty()) {
                run.context.project["framework"] = s.framework;
            }
            if (!s.hmr_protocol.empty()) {
                run.context.project["hmr_protocol"] = s.hmr_protocol;
            }
            if (std::string messages = hmr_messages(s); !messages.empty()) {
                run.context.project["hmr_messages"] = messages;
            }
            for (std::size_t i = 0; i < s.reload_s.size(); ++i) {
                measure::IterationRecord iteration;
                iteration.index = int(i);
                iteration.metrics.push_back({"reload_s", "s", s.reload_s[i]});
                for (const auto& [name, values] :
                     {std::pair<const char*, const std::vector<double>*>{"server_log_ms",
                                                                         &s.server_log_ms},
                      {"hmr_ms", &s.hmr_ms},
                      {"browser_ms", &s.browser_ms}}) {
                    if (values->size() == s.reload_s.size()) {
                        iteration.metrics.push_back({name, "ms", (*values)[i]});
                    }
                }
                run.iterations.push_back(std::move(iteration));
            }
            report.runs.push_back(std::move(run));
            findings.reload_median_s = measure::median(s.reload_s);
            findings.reloads = s.reload_s.size();
            findings.server_log_ms = median_if_any(s.server_log_ms);
            findings.hmr_ms = median_if_any(s.hmr_ms);
            findings.browser_ms = median_if_any(s.browser_ms);
        }
        report.findings.push_back(std::move(findings));
    }
    return report;
}

} // namespace farm::report
