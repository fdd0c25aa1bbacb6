#include "farm/measure/stats.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

namespace farm::measure {

namespace {

void require_samples(std::span<const double> values, const std::string& what) {
    if (values.empty()) {
        throw Error("cannot compute the " + what + " of an empty list of samples");
    }
}

// q in [0, 1]; R type 7: h = (n - 1) q, interpolate between the closest ranks floor(h) and
// floor(h) + 1.
double sorted_quantile(const std::vector<double>& sorted, double q) {
    double h = static_cast<double>(sorted.size() - 1) * q;
    std::size_t lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= sorted.size()) {
        return sorted.back();
    }
    double fraction = h - static_cast<double>(lo);
    return sorted[lo] + fraction * (sorted[lo + 1] - sorted[lo]);
}

// Reorders buffer; cheaper than a full sort.
double median_in_place(std::vector<double>& buffer) {
    std::size_t n = buffer.size();
    std::size_t mid = n / 2;
    std::nth_element(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(mid),
                     buffer.end());
    double upper = buffer[mid];
    if (n % 2 == 1) {
        return upper;
    }
    // After nth_element everything before mid is <= upper, so the lower middle is their max.
    double lower =
        *std::max_element(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(mid));
    return lower + (upper - lower) / 2;
}

// SplitMix64 (Steele, Lea and Flood): a tiny generator whose output is the same wherever farm
// is built, and several times cheaper than mt19937_64. The bootstrap draws millions of indices
// for a run of 1000 iterations, and that cost must not show in a whole `farm perf:build`.
class SplitMix64 {
  public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t operator()() {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

  private:
    std::uint64_t m_state;
};

// An index in [0, n) without modulo bias: Lemire's multiply-shift with rejection of the few
// values that would favour low indices; our own, as std::uniform_int_distribution differs
// between standard libraries and the interval must be the same wherever farm was built.
std::size_t draw_index(SplitMix64& gen, std::size_t n) {
    std::uint64_t bound = static_cast<std::uint64_t>(n);
    unsigned __int128 product = static_cast<unsigned __int128>(gen()) * bound;
    std::uint64_t low = static_cast<std::uint64_t>(product);
    if (low < bound) {
        std::uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            product = static_cast<unsigned __int128>(gen()) * bound;
            low = static_cast<std::uint64_t>(product);
        }
    }
    return static_cast<std::size_t>(product >> 64);
}

} // namespace

double mean(std::span<const double> values) {
    require_samples(values, "mean");
    double sum = std::accumulate(values.begin(), values.end(), 0.0);
    return sum / static_cast<double>(values.size());
}

double median(std::span<const double> values) {
    require_samples(values, "median");
    std::vector<double> buffer(values.begin(), values.end());
    return median_in_place(buffer);
}

double sample_stddev(std::span<const double> values) {
    require_samples(values, "standard deviation");
    if (values.size() == 1) {
        return 0;
    }
    // Two passes: subtracting the mean first avoids the cancellation of sum(x^2) - n mean^2
    // when the spread is tiny compared with the values (e.g. 1.000001 s vs 1.000002 s).
    double m = mean(values);
    double squares = 0;
    for (double x : values) {
        squares += (x - m) * (x - m);
    }
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double percentile(std::span<const double> values, double p) {
    require_samples(values, "percentile");
    if (!(p >= 0 && p <= 100)) {
        throw Error("percentile " + std::to_string(p) + " is outside [0, 100]");
    }
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted_quantile(sorted, p / 100);
}

namespace {

// P(Binomial(n, p) >= m), exact to rounding. Only the tail away from the mode is summed (the
// upper one, or 1 minus the lower one): there every step shrinks the terms, so the sum stops
// after a few hundred terms once they no longer change it, and each step is one multiplication
// (in log space) instead of three lgamma calls. Summing every term of the upper tail took
// 0.1 s a call at n = 100,000, and a median interval makes about 34 calls.
double binomial_at_least(std::size_t n, double p, std::size_t m) {
    if (m == 0) {
        return 1.0;
    }
    if (m > n || p <= 0) {
        return 0.0;
    }
    if (p >= 1) {
        return 1.0;
    }
    auto log_pmf = [&](std::size_t k) {
        return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) -
               std::lgamma(double(n - k) + 1) + double(k) * std::log(p) +
               double(n - k) * std::log1p(-p);
    };
    constexpr double smallest_log = -745; // exp() of less is 0
    double log_odds = std::log(p) - std::log1p(-p);
    double total = 0;
    if (double(m) > double(n + 1) * p) { // m is above the mode: the terms fall from m upward
        double log_term = log_pmf(m);
        for (std::size_t k = m; k <= n && log_term > smallest_log; ++k) {
            double term = std::exp(log_term);
            total += term;
            if (term < total * 1e-17) {
                break;
            }
            log_term += std::log(double(n - k) / double(k + 1)) + log_odds;
        }
        return std::min(total, 1.0);
    }
    // The terms fall from m - 1 downward: 1 - P(X <= m - 1).
    double log_term = log_pmf(m - 1);
    for (std::size_t k = m - 1; log_term > smallest_log; --k) {
        double term = std::exp(log_term);
        total += term;
        if (term < total * 1e-17 || k == 0) {
            break;
        }
        log_term += std::log(double(k) / double(n - k + 1)) - log_odds;
    }
    return std::clamp(1.0 - total, 0.0, 1.0);
}

// The bootstrap distribution of an order statistic is known exactly, with no resampling: the
// resampled m-th smallest value is at most the j-th smallest original value exactly when at
// least m of the n draws land on the j smallest, which is Binomial(n, j/n). This is the
// percentile bootstrap with infinitely many resamples, for the lower median (rank ceil(n/2)),
// which for the large n it is used at is one rank from the median.
std::pair<double, double> exact_bootstrap_median_ci(std::span<const double> values,
                                                    double confidence) {
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    std::size_t n = sorted.size();
    std::size_t m = (n + 1) / 2;
    auto first_rank_reaching = [&](double probability) {
        std::size_t low = 1, high = n; // smallest j in [1, n] with F(j) >= probability
        while (low < high) {
            std::size_t mid = low + (high - low) / 2;
            if (binomial_at_least(n, double(mid) / double(n), m) >= probability) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    };
    double alpha = (1 - confidence) / 2;
    return {sorted[first_rank_reaching(alpha) - 1], sorted[first_rank_reaching(1 - alpha) - 1]};
}

} // namespace

std::pair<double, double> bootstrap_median_ci(std::span<const double> values, double confidence,
                                              std::size_t resamples, std::uint64_t seed) {
    require_samples(values, "median confidence interval");
    if (!(confidence > 0 && confidence < 1)) {
        throw Error("confidence level " + std::to_string(confidence) + " is outside (0, 1)");
    }
    if (resamples == 0) {
        throw Error("the bootstrap needs at least one resample");
    }
    std::size_t n = values.size();
    if (n == 1) {
        return {values[0], values[0]};
    }
    if (n > exact_bootstrap_above) {
        return exact_bootstrap_median_ci(values, confidence);
    }
    // Resampling from the sorted values is the same bootstrap (draws are with replacement, so
    // order does not matter) and lets a resample be a histogram over ranks: its median is found
    // by walking cumulative counts, about twice as fast as nth_element on a copied buffer.
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    std::size_t lower_position = (n - 1) / 2;
    std::size_t upper_position = n / 2;
    SplitMix64 gen(seed);
    std::vector<std::size_t> counts(n);
    std::vector<double> medians;
    medians.reserve(resamples);
    for (std::size_t r = 0; r < resamples; ++r) {
        std::fill(counts.begin(), counts.end(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            ++counts[draw_index(gen, n)];
        }
        std::size_t rank = 0;
        std::size_t below = 0; // resampled values with a smaller rank than `rank`
        while (below + counts[rank] <= lower_position) {
            below += counts[rank++];
        }
        double lower = sorted[rank];
        while (below + counts[rank] <= upper_position) {
            below += counts[rank++];
        }
        double upper = sorted[rank];
        medians.push_back(lower + (upper - lower) / 2);
    }
    std::sort(medians.begin(), medians.end());
    double alpha = (1 - confidence) / 2;
    return {sorted_quantile(medians, alpha), sorted_quantile(medians, 1 - alpha)};
}

Summary summarize(std::span<const double> values) {
    if (values.empty()) {
        throw Error("cannot summarize an empty list of samples: no iteration was measured");
    }
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    Summary summary;
    summary.count = values.size();
    summary.mean = mean(values);
    summary.median = sorted_quantile(sorted, 0.5);
    summary.stddev = sample_stddev(values);
    summary.min = sorted.front();
    summary.max = sorted.back();
    summary.p90 = sorted_quantile(sorted, 0.90);
    summary.p95 = sorted_quantile(sorted, 0.95);
    summary.p99 = sorted_quantile(sorted, 0.99);
    std::pair<double, double> ci = bootstrap_median_ci(values);
    summary.ci95_low = ci.first;
    summary.ci95_high = ci.second;
    return summary;
}

std::vector<double> modified_z_scores(std::span<const double> values) {
    if (values.empty()) {
        return {};
    }
    double center = median(values);
    std::vector<double> deviations;
    deviations.reserve(values.size());
    for (double x : values) {
        deviations.push_back(std::abs(x - center));
    }
    double mad = median(deviations);
    std::vector<double> scores(values.size(), 0.0);
    double factor = 0;
    if (mad > 0) {
        factor = 0.6745 / mad;
    } else {
        // More than half the samples are equal (common with coarse timers), so MAD is 0 and
        // would flag every other value. 1.253314 * MeanAD estimates sigma for normal data the
        // way MAD / 0.6745 does, and stays positive as long as any value differs.
        double mean_deviation = mean(deviations);
        if (mean_deviation > 0) {
            factor = 1 / (1.253314 * mean_deviation);
        }
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        scores[i] = factor * (values[i] - center);
    }
    return scores;
}

std::vector<std::size_t> outlier_indices(std::span<const double> values, double threshold) {
    std::vector<double> scores = modified_z_scores(values);
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (std::abs(scores[i]) > threshold) {
            indices.push_back(i);
        }
    }
    return indices;
}

} // namespace farm::measure
