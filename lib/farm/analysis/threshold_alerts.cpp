#include "farm/analysis/threshold_alerts.hpp"

#include "farm/analysis/dev_advice.hpp"
#include "farm/analysis/suite_thresholds.hpp"

#include <algorithm>

namespace farm::analysis {

namespace {

bool named(const std::vector<std::string>& names, const std::string& name) {
    return names.empty() || std::find(names.begin(), names.end(), name) != names.end();
}

bool starts_with_any(const std::string& subject, std::initializer_list<const char*> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const char* p) { return subject.starts_with(p); });
}

void add_dev_alerts(const core::Config& config, const std::vector<history::Run>& latest,
                    std::vector<ThresholdAlert>& out) {
    std::vector<DevServiceFindings> findings = dev_findings_from_runs(latest);
    for (const Advice& advice : advise_dev(findings, config.thresholds.dev)) {
        // The run behind the advice: its subject (startup:NAME, reload:NAME).
        auto run = std::find_if(latest.begin(), latest.end(), [&](const history::Run& r) {
            return r.kind == "dev" && r.subject == advice.subject;
        });
        out.push_back({"thresholds.dev", advice.subject, advice.finding,
                       advice.suggestions.empty() ? "" : advice.suggestions.front(),
                       run == latest.end() ? 0 : run->id, std::nullopt});
    }
}

} // namespace

bool suite_covers(const core::TestSuite& suite, const history::Run& run) {
    if (run.kind != suite.kind) {
        return false;
    }
    if (suite.kind == "build") {
        return suite.command.empty() ? starts_with_any(run.subject, {"install:", "build:", "size:"})
                                     : run.subject == suite.name;
    }
    if (suite.kind == "dev") {
        std::size_t colon = run.subject.find(':');
        return colon != std::string::npos &&
               named(suite.dev.services, run.subject.substr(colon + 1));
    }
    // ai: provider/model/operation, and @load after it for the load run
    std::size_t slash = run.subject.find('/');
    std::string operation = run.subject.substr(run.subject.rfind('/') + 1);
    operation = operation.substr(0, operation.find('@'));
    return slash != std::string::npos && operation == suite.ai.operation &&
           named(suite.ai.providers, run.subject.substr(0, slash));
}

std::optional<std::vector<std::string>> threshold_metrics(const core::Config& config,
                                                          const history::Run& run) {
    std::optional<std::vector<std::string>> metrics;
    auto add = [&metrics](const std::string& name) {
        if (!metrics) {
            metrics.emplace();
        }
        if (!name.empty() && std::find(metrics->begin(), metrics->end(), name) == metrics->end()) {
            metrics->push_back(name);
        }
    };
    for (const core::TestSuite& suite : config.test.suites) {
        if (!suite_covers(suite, run)) {
            continue;
        }
        for (const core::SuiteThreshold& t : suite.thresholds) {
            add(t.metric == error_rate_metric ? std::string() : t.metric);
        }
    }
    // The dev advice reads the start-up's phases and the reload's clocks as well.
    if (run.kind == "dev" && run.subject.starts_with("startup:")) {
        for (const char* metric :
             {"startup_s", "first_output_s", "port_open_s", "first_2xx_s", "page_load_s"}) {
            add(metric);
        }
    } else if (run.kind == "dev" && run.subject.starts_with("reload:")) {
        for (const char* metric : {"reload_s", "server_log_ms", "hmr_ms", "browser_ms"}) {
            add(metric);
        }
    }
    return metrics;
}

std::vector<ThresholdAlert> threshold_alerts(const core::Config& config,
                                             const std::vector<history::Run>& latest) {
    std::vector<ThresholdAlert> out;
    for (const core::TestSuite& suite : config.test.suites) {
        std::vector<history::Run> covered;
        for (const history::Run& run : latest) {
            if (suite_covers(suite, run)) {
                covered.push_back(run);
            }
        }
        for (const CheckResult& check :
             check_suite_thresholds(suite.name, suite.thresholds, covered)) {
            if (check.verdict != CheckVerdict::fail || !check.value) {
                continue;
            }
            auto run = std::find_if(covered.begin(), covered.end(), [&](const history::Run& r) {
                return r.subject == check.subject;
            });
            out.push_back({"test suite '" + suite.name + "'", check.subject, check.message,
                           "run `farm perf:test --suite " + suite.name +
                               "` after a fix; the limit is in farm.config.json (test.suites)",
                           run == covered.end() ? 0 : run->id, check});
        }
    }
    add_dev_alerts(config, latest, out);
    return out;
}

} // namespace farm::analysis
