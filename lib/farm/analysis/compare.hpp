// Did a change make things slower? Compares a candidate's samples of one metric with a
// baseline's, the way Google Benchmark's compare.py and pyperf do, and refuses to guess:
//   change      = (candidate median - baseline median) / |baseline median|
//   p_value     = two-sided Mann-Whitney U over all iterations of both sides
//   verdict     = slower / faster only when p < alpha AND |change| > the noise floor
//                 (threshold, in %); otherwise "no change"; fewer than min_samples (5) on
//                 either side is "not enough data", never a verdict.
// "slower" means worse: for metrics where higher is better (hit rates, tokens per second) a
// drop is "slower".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace farm::analysis {

enum class Verdict { slower, faster, no_change, not_enough_data };

const char* to_string(Verdict verdict);

// True for metrics whose larger values are better: rates, per-second throughputs, reuse counts.
bool higher_is_better(std::string_view metric);

struct CompareSettings {
    double alpha = 0.05;
    double threshold_pct = 20;
    std::size_t min_samples = 5;
};

struct MetricComparison {
    std::string kind;
    std::string subject;
    std::string metric;
    std::string unit;
    std::size_t baseline_n = 0;
    std::size_t candidate_n = 0;
    double baseline_median = 0;
    double candidate_median = 0;
    std::optional<double> change_pct; // nullopt when the baseline median is 0
    std::optional<double> p_value;    // nullopt with too few samples
    double threshold_pct = 0;
    Verdict verdict = Verdict::not_enough_data;
};

MetricComparison compare_samples(std::span<const double> baseline,
                                 std::span<const double> candidate, std::string_view metric,
                                 const CompareSettings& settings);

// Is the candidate faster than the baseline by more than `floor_pct`? Mann-Whitney U (two-sided,
// at `alpha`) between the baseline and the candidate's samples slowed by the floor
// (x (1 + floor_pct / 100)), which must still be the faster side: the null hypothesis is a gain
// the size of the noise floor, not zero. Samples with no real difference pass "p < alpha and
// the medians differ by more than the floor" now and then (every 70th time with 4 runs a side,
// less the floor); they pass this far more rarely, because the floor is taken off every sample
// first. A real gain well beyond the floor still passes (complete separation, with 4 runs a side,
// reaches p = 0.029). Never a verdict with an empty side.
struct FloorTest {
    double p_value = 1; // of the shifted comparison
    bool faster = false;
};
FloorTest faster_beyond_floor(std::span<const double> baseline, std::span<const double> candidate,
                              double floor_pct, double alpha = 0.05);

// Geometric mean of candidate/baseline median ratios over comparisons that have both medians
// above 0 (one row per subject, as compare.py's OVERALL_GEOMEAN); nullopt when there are none.
std::optional<double> geometric_mean_ratio(const std::vector<MetricComparison>& comparisons);

// The default noise floor of a kind of run (from the seeds): 20% for builds, installs and
// commands, 15% for runtime metrics (dev servers, AI).
double default_threshold_pct(std::string_view kind);

} // namespace farm::analysis
