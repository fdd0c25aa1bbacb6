#include "farm/history/run.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace farm::history {

const char* to_string(RunStatus status) {
    switch (status) {
    case RunStatus::ok:
        return "ok";
    case RunStatus::failed:
        return "failed";
    case RunStatus::interrupted:
        return "interrupted";
    }
    return "ok";
}

RunStatus run_status_from_string(const std::string& text) {
    if (text == "ok") {
        return RunStatus::ok;
    }
    if (text == "failed") {
        return RunStatus::failed;
    }
    if (text == "interrupted") {
        return RunStatus::interrupted;
    }
    throw DatabaseError("unknown run status '" + text + "' in the history database");
}

RunStatus status_for(measure::Outcome outcome) {
    switch (outcome) {
    case measure::Outcome::completed:
        return RunStatus::ok;
    case measure::Outcome::failed:
        return RunStatus::failed;
    case measure::Outcome::interrupted:
        return RunStatus::interrupted;
    }
    return RunStatus::ok;
}

std::vector<MetricSeries> series_of(const std::vector<measure::IterationRecord>& iterations) {
    std::vector<MetricSeries> series;
    for (const measure::IterationRecord& iteration : iterations) {
        for (const measure::MetricValue& metric : iteration.metrics) {
            auto it = std::find_if(series.begin(), series.end(),
                                   [&](const MetricSeries& s) { return s.name == metric.name; });
            if (it == series.end()) {
                series.push_back(MetricSeries{metric.name, metric.unit, {}, {}});
                it = series.end() - 1;
            }
            // A non-finite value is not a measurement (0/0 tokens per second): it is stored
            // as null and left out of the statistics, never counted as 0.
            if (std::isfinite(metric.value)) {
                it->values.push_back(metric.value);
            }
        }
    }
    series.erase(std::remove_if(series.begin(), series.end(),
                                [](const MetricSeries& s) { return s.values.empty(); }),
                 series.end());
    for (MetricSeries& s : series) {
        s.summary = measure::summarize(s.values);
    }
    return series;
}

const MetricSeries* RunOverview::metric(const std::string& name) const {
    for (const MetricSeries& m : metrics) {
        if (m.name == name) {
            return &m;
        }
    }
    return nullptr;
}

const MetricSeries* RunOverview::primary_metric() const {
    if (kind == "size") {
        if (const MetricSeries* brotli = metric("brotli_bytes")) {
            return brotli;
        }
    }
    return metrics.empty() ? nullptr : &metrics.front();
}

std::optional<double> error_rate_of(const MetricSeries& failed_flags) {
    const measure::Summary& s = failed_flags.summary;
    if (s.count == 0) {
        return std::nullopt;
    }
    double failed = std::round(s.mean * double(s.count));
    return failed / double(s.count);
}

void fold_failure_flags(RunOverview& run) {
    auto flags = std::find_if(run.metrics.begin(), run.metrics.end(),
                              [](const MetricSeries& m) { return m.name == failed_flag_metric; });
    if (flags == run.metrics.end()) {
        return;
    }
    std::optional<double> rate = error_rate_of(*flags);
    run.metrics.erase(flags);
    if (rate) {
        std::vector<double> values = {*rate};
        run.metrics.push_back(
            MetricSeries{error_rate_series, "ratio", values, measure::summarize(values)});
    }
}

namespace {

MetricSeries one_value_series(const char* name, const char* unit, double value) {
    std::vector<double> values = {value};
    return MetricSeries{name, unit, values, measure::summarize(values)};
}

} // namespace

void fold_ai_series(RunOverview& run) {
    if (run.kind != "ai") {
        return;
    }
    std::erase_if(run.metrics, [](const MetricSeries& m) { return m.name == "prompt_index"; });
    const MetricSeries* flags = run.metric(failed_flag_metric);
    if (flags == nullptr || flags->summary.count == 0 || run.duration_s <= 0) {
        return;
    }
    double requests = double(flags->summary.count);
    double succeeded = requests - std::round(flags->summary.mean * requests);
    double tokens = 0;
    if (const MetricSeries* output = run.metric("output_tokens")) {
        tokens = output->summary.mean * double(output->summary.count);
    }
    run.metrics.push_back(
        one_value_series("request_throughput", "req/s", succeeded / run.duration_s));
    run.metrics.push_back(
        one_value_series("output_token_throughput", "tokens/s", tokens / run.duration_s));
}

} // namespace farm::history
