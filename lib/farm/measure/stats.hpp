// Statistics over the iterations of a run, and the test that compares two runs.
//
// Every function takes the samples as they were measured and never drops any: outliers are
// flagged, not removed. Definitions (docs/metrics.md repeats them for users):
// - stddev is the sample standard deviation (n - 1 in the denominator); 0 for one sample.
// - percentiles interpolate linearly between closest ranks (R type 7, numpy's default).
// - the 95% confidence interval of the median is a percentile bootstrap: up to
//   exact_bootstrap_above samples by resampling (2000 resamples, fixed seed, so the same samples
//   always give the same interval); above it from the exact bootstrap distribution of the lower
//   median (a binomial), which is what infinitely many resamples would give, at no cost.
// - outliers: modified z-score 0.6745 (x - median) / MAD (Iglewicz and Hoaglin), |z| > 3.5.
// - Mann-Whitney U: two-sided; exact distribution when both sides have at most 20 samples and
//   there are no ties, else the normal approximation with tie and continuity correction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace farm::measure {

struct Summary {
    std::size_t count = 0;
    double mean = 0;
    double median = 0;
    double stddev = 0;
    double min = 0;
    double max = 0;
    double p90 = 0;
    double p95 = 0;
    double p99 = 0;
    double ci95_low = 0;
    double ci95_high = 0;
};

// Throws farm::Error for an empty input.
Summary summarize(std::span<const double> values);

double mean(std::span<const double> values);
double median(std::span<const double> values);
double sample_stddev(std::span<const double> values);
// p in [0, 100].
double percentile(std::span<const double> values, double p);

inline constexpr std::size_t exact_bootstrap_above = 200;

// Percentile-bootstrap confidence interval of the median.
std::pair<double, double> bootstrap_median_ci(std::span<const double> values,
                                              double confidence = 0.95,
                                              std::size_t resamples = 2000,
                                              std::uint64_t seed = 0x5eed'f00dULL);

std::vector<double> modified_z_scores(std::span<const double> values);
inline constexpr double outlier_z_threshold = 3.5;
// Indices of the samples whose |modified z-score| exceeds the threshold.
std::vector<std::size_t> outlier_indices(std::span<const double> values,
                                         double threshold = outlier_z_threshold);

struct MannWhitneyResult {
    double u = 0;       // U statistic of the first sample
    double p_value = 1; // two-sided
    bool exact = false; // exact distribution (true) or normal approximation (false)
};

// Throws farm::Error when either side is empty.
MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b);

} // namespace farm::measure
