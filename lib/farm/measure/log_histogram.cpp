#include "farm/measure/log_histogram.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace farm::measure {

namespace {

// Below 2^8 steps every step has its own bucket; above, each power of two is cut into 128
// buckets by the 7 bits after the leading one (relative width at most 1/128, so the middle is
// within 1/256 of any value in it).
constexpr unsigned exact_bits = 8;
constexpr unsigned sub_bits = 7;
constexpr std::size_t exact_buckets = std::size_t(1) << exact_bits;
constexpr std::size_t sub_buckets = std::size_t(1) << sub_bits;
constexpr std::size_t bucket_count = exact_buckets + (64 - exact_bits) * sub_buckets;

} // namespace

LogHistogram::LogHistogram(double resolution)
    : m_resolution(resolution), m_buckets(bucket_count, 0) {
    if (!(resolution > 0)) {
        throw Error("a histogram's resolution must be above 0");
    }
}

std::size_t LogHistogram::bucket_of(std::uint64_t steps) const {
    if (steps < exact_buckets) {
        return std::size_t(steps);
    }
    unsigned exponent = unsigned(std::bit_width(steps)) - 1; // >= exact_bits
    std::uint64_t sub = (steps >> (exponent - sub_bits)) - sub_buckets;
    return exact_buckets + (exponent - exact_bits) * sub_buckets + std::size_t(sub);
}

double LogHistogram::middle_of(std::size_t bucket) const {
    if (bucket < exact_buckets) {
        return double(bucket) * m_resolution;
    }
    std::size_t above = bucket - exact_buckets;
    unsigned exponent = unsigned(above / sub_buckets) + exact_bits;
    double width = std::ldexp(1.0, int(exponent - sub_bits));
    double low = double(sub_buckets + above % sub_buckets) * width;
    return (low + (width - 1) / 2) * m_resolution;
}

bool LogHistogram::add(double sample) {
    if (!std::isfinite(sample) || sample < 0) {
        return false;
    }
    double steps = std::round(sample / m_resolution);
    double largest = double(std::numeric_limits<std::uint64_t>::max() / 2);
    ++m_buckets[bucket_of(std::uint64_t(std::min(steps, largest)))];
    if (m_count == 0) {
        m_shift = sample;
        m_min = m_max = sample;
    }
    ++m_count;
    m_sum += sample;
    m_sum_of_squares += (sample - m_shift) * (sample - m_shift);
    m_min = std::min(m_min, sample);
    m_max = std::max(m_max, sample);
    return true;
}

double LogHistogram::value_at_rank(std::size_t rank) const {
    // The smallest and the largest sample are known exactly.
    if (rank == 0) {
        return m_min;
    }
    if (rank + 1 >= m_count) {
        return m_max;
    }
    std::size_t seen = 0;
    for (std::size_t b = 0; b < m_buckets.size(); ++b) {
        seen += m_buckets[b];
        if (seen > rank) {
            return std::clamp(middle_of(b), m_min, m_max);
        }
    }
    return m_max;
}

double LogHistogram::percentile(double p) const {
    if (m_count == 0) {
        throw Error("no samples for a percentile");
    }
    double h = double(m_count - 1) * std::clamp(p, 0.0, 100.0) / 100.0;
    auto below = std::size_t(std::floor(h));
    double low = value_at_rank(below);
    if (below + 1 >= m_count) {
        return low;
    }
    return low + (h - double(below)) * (value_at_rank(below + 1) - low);
}

Summary LogHistogram::summary() const {
    if (m_count == 0) {
        throw Error("cannot summarize an empty histogram: nothing was measured");
    }
    Summary s;
    s.count = m_count;
    s.mean = m_sum / double(m_count);
    if (m_count > 1) {
        double n = double(m_count);
        double shifted_mean = s.mean - m_shift;
        double variance = (m_sum_of_squares - n * shifted_mean * shifted_mean) / (n - 1);
        s.stddev = std::sqrt(std::max(variance, 0.0));
    }
    s.min = m_min;
    s.max = m_max;
    s.median = percentile(50);
    s.p90 = percentile(90);
    s.p95 = percentile(95);
    s.p99 = percentile(99);
    s.ci95_low = s.ci95_high = std::numeric_limits<double>::quiet_NaN();
    return s;
}

} // namespace farm::measure
