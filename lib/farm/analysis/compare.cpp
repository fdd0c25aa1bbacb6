#include "farm/analysis/compare.hpp"

#include "farm/measure/stats.hpp"

#include <cmath>

namespace farm::analysis {

const char* to_string(Verdict verdict) {
    switch (verdict) {
    case Verdict::slower:
        return "slower";
    case Verdict::faster:
        return "faster";
    case Verdict::no_change:
        return "no change";
    case Verdict::not_enough_data:
        return "not enough data";
    }
    return "not enough data";
}

bool higher_is_better(std::string_view metric) {
    for (std::string_view word : {"rate", "per_s", "throughput", "goodput", "reused", "hit"}) {
        if (metric.find(word) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

double default_threshold_pct(std::string_view kind) {
    return kind == "dev" || kind == "ai" || kind == "benchmark" ? 15.0 : 20.0;
}

MetricComparison compare_samples(std::span<const double> baseline,
                                 std::span<const double> candidate, std::string_view metric,
                                 const CompareSettings& settings) {
    MetricComparison c;
    c.metric = metric;
    c.baseline_n = baseline.size();
    c.candidate_n = candidate.size();
    c.threshold_pct = settings.threshold_pct;
    if (!baseline.empty()) {
        c.baseline_median = measure::median(baseline);
    }
    if (!candidate.empty()) {
        c.candidate_median = measure::median(candidate);
    }
    if (!baseline.empty() && !candidate.empty() && c.baseline_median != 0) {
        c.change_pct =
            (c.candidate_median - c.baseline_median) / std::fabs(c.baseline_median) * 100.0;
    }
    if (baseline.size() < settings.min_samples || candidate.size() < settings.min_samples) {
        c.verdict = Verdict::not_enough_data;
        return c;
    }
    c.p_value = measure::mann_whitney_u(baseline, candidate).p_value;
    bool significant = *c.p_value < settings.alpha;
    bool beyond_noise = c.change_pct && std::fabs(*c.change_pct) > settings.threshold_pct;
    if (!significant || !beyond_noise) {
        c.verdict = Verdict::no_change;
        return c;
    }
    bool increased = *c.change_pct > 0;
    bool worse = higher_is_better(metric) ? !increased : increased;
    c.verdict = worse ? Verdict::slower : Verdict::faster;
    return c;
}

std::optional<double> geometric_mean_ratio(const std::vector<MetricComparison>& comparisons) {
    double log_sum = 0;
    std::size_t n = 0;
    for (const MetricComparison& c : comparisons) {
        if (c.baseline_median > 0 && c.candidate_median > 0) {
            log_sum += std::log(c.candidate_median / c.baseline_median);
            ++n;
        }
    }
    if (n == 0) {
        return std::nullopt;
    }
    return std::exp(log_sum / double(n));
}

FloorTest faster_beyond_floor(std::span<const double> baseline, std::span<const double> candidate,
                              double floor_pct, double alpha) {
    FloorTest test;
    if (baseline.empty() || candidate.empty()) {
        return test;
    }
    std::vector<double> slowed(candidate.begin(), candidate.end());
    for (double& value : slowed) {
        value *= 1 + floor_pct / 100;
    }
    test.p_value = measure::mann_whitney_u(baseline, slowed).p_value;
    test.faster = test.p_value < alpha && measure::median(slowed) < measure::median(baseline);
    return test;
}

} // namespace farm::analysis
