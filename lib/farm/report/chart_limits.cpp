#include "farm/report/chart_limits.hpp"

#include "farm/analysis/suite_thresholds.hpp"

namespace farm::report {

namespace {

void add_suite_thresholds(const core::TestSuite& suite, std::vector<ConfigLimit>& out) {
    bool one_command = suite.kind == "build" && !suite.command.empty();
    for (const core::SuiteThreshold& t : suite.thresholds) {
        if (one_command && !analysis::subject_matches(t.subject, suite.name)) {
            continue; // the suite's only subject is its name
        }
        for (auto [bound, word] : {std::pair{t.max, "max"}, std::pair{t.min, "min"}}) {
            if (!bound) {
                continue;
            }
            ConfigLimit limit;
            limit.kind = suite.kind == "ai" ? "ai" : "";
            limit.subject = one_command ? suite.name : t.subject;
            limit.exact = one_command;
            limit.metric = t.metric;
            limit.value = *bound;
            limit.label = "perf:test " + std::string(word) + " (" + t.stat + ")";
            out.push_back(std::move(limit));
        }
    }
}

void add_ai_thresholds(const core::AiConfig& ai, std::vector<ConfigLimit>& out) {
    if (ai.error_rate) {
        out.push_back({"ai", "*", false, "error_rate", *ai.error_rate, "ai error rate limit"});
    }
    for (const core::AiProviderConfig& provider : ai.providers) {
        auto threshold = ai.thresholds.find(provider.type);
        if (threshold == ai.thresholds.end() || threshold->second.slow_ms <= 0) {
            continue;
        }
        out.push_back({"ai", provider.name + "/*", false, "e2e_ms", threshold->second.slow_ms,
                       "slow (ai.thresholds." + provider.type + ")"});
    }
}

const char* metric_of(core::Compression compression) {
    switch (compression) {
    case core::Compression::none:
        return "bytes";
    case core::Compression::gzip:
        return "gzip_bytes";
    case core::Compression::brotli:
        return "brotli_bytes";
    }
    return "bytes";
}

} // namespace

std::vector<ConfigLimit> chart_limits(const core::Config& config) {
    std::vector<ConfigLimit> out;
    for (const core::TestSuite& suite : config.test.suites) {
        add_suite_thresholds(suite, out);
    }
    add_ai_thresholds(config.ai, out);
    for (const core::SizeBudget& budget : config.build.budgets) {
        out.push_back({"budget", "*", false, metric_of(budget.compression),
                       double(budget.limit_bytes), "budget " + budget.path});
    }
    return out;
}

std::vector<LimitLine> limits_for(const std::vector<ConfigLimit>& limits, const std::string& kind,
                                  const std::string& subject, const std::string& metric) {
    std::vector<LimitLine> lines;
    for (const ConfigLimit& limit : limits) {
        bool subject_fits = limit.exact ? limit.subject == subject
                                        : analysis::subject_matches(limit.subject, subject);
        if ((limit.kind.empty() || limit.kind == kind) && subject_fits && limit.metric == metric) {
            lines.push_back({limit.value, limit.label});
        }
    }
    return lines;
}

} // namespace farm::report
