// A histogram of non-negative samples in fixed memory (about 60 KB), for statistics over more
// samples than are worth keeping: every inter-token gap of a long AI run grows with requests
// times output length.
//
// Guarantees: count, mean, stddev (sample), min and max are exact. A percentile is computed as
// measure::percentile does (linear between the two order statistics around rank (n-1)p), with
// each order statistic taken as its bucket's middle, clamped to [min, max]: within 0.4% of the
// exact value for samples of at least 0.256 units (`resolution` below), within half a
// resolution step below that. Negative and non-finite samples are not measurements: refused.
#pragma once

#include "farm/measure/stats.hpp"

#include <cstdint>
#include <vector>

namespace farm::measure {

class LogHistogram {
  public:
    // Samples are counted in steps of `resolution` (0.001: a microsecond, for milliseconds).
    explicit LogHistogram(double resolution = 0.001);

    // Returns false (and counts nothing) for a negative or non-finite sample.
    bool add(double sample);

    std::size_t count() const { return m_count; }
    // p in [0, 100]; the histogram must not be empty.
    double percentile(double p) const;
    // count, mean, median, p90, p95, p99, stddev, min, max; the median's confidence interval is
    // not known from buckets: ci95_low and ci95_high are NaN. Throws farm::Error when empty.
    Summary summary() const;

  private:
    std::size_t bucket_of(std::uint64_t steps) const;
    double middle_of(std::size_t bucket) const;
    double value_at_rank(std::size_t rank) const; // 0-based order statistic

    double m_resolution;
    std::vector<std::uint64_t> m_buckets;
    std::size_t m_count = 0;
    double m_sum = 0;
    double m_sum_of_squares = 0; // of (sample - first sample): keeps the variance accurate
    double m_shift = 0;
    double m_min = 0;
    double m_max = 0;
};

} // namespace farm::measure
