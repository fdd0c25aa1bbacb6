#include "farm/report/dev_record.hpp"

#include "farm/measure/stats.hpp"

namespace farm::report {

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
        if (!s.startup_s.empty()) {
            history::Run run = base;
            run.kind = "dev";
            run.subject = "startup:" + s.name;
            run.command = s.command;
            run.context.project["service_kind"] = s.kind; // the start-up threshold depends on it
            for (std::size_t i = 0; i < s.startup_s.size(); ++i) {
                measure::IterationRecord iteration;
                iteration.index = int(i);
                iteration.metrics.push_back({"startup_s", "s", s.startup_s[i]});
                if (i < s.cpu_cores_mean.size()) {
                    iteration.metrics.push_back({"cpu_cores_mean", "cores", s.cpu_cores_mean[i]});
                    iteration.metrics.push_back({"rss_peak_bytes", "bytes", s.rss_peak_bytes[i]});
                }
                run.iterations.push_back(std::move(iteration));
            }
            report.runs.push_back(std::move(run));
            findings.startup_median_s = measure::median(s.startup_s);
            findings.startup_runs = s.startup_s.size();
        }
        if (!s.reload_s.empty()) {
            history::Run run = base;
            run.kind = "dev";
            run.subject = "reload:" + s.name;
            run.command = s.command;
            run.context.project["service_kind"] = s.kind;
            for (std::size_t i = 0; i < s.reload_s.size(); ++i) {
                measure::IterationRecord iteration;
                iteration.index = int(i);
                iteration.metrics.push_back({"reload_s", "s", s.reload_s[i]});
                run.iterations.push_back(std::move(iteration));
            }
            report.runs.push_back(std::move(run));
            findings.reload_median_s = measure::median(s.reload_s);
            findings.reloads = s.reload_s.size();
        }
        report.findings.push_back(std::move(findings));
    }
    return report;
}

} // namespace farm::report
