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
            // The history stores a non-finite value as 0 (JSON has none), so the series holds
            // what will be stored and read back. A NaN would also make the summary NaN, which
            // SQLite binds as NULL and the NOT NULL summary columns refuse, losing the whole
            // run; and sorting NaNs breaks std::sort's ordering requirement.
            it->values.push_back(std::isfinite(metric.value) ? metric.value : 0.0);
        }
    }
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

} // namespace farm::history
