#include "farm/measure/relative.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <algorithm>
#include <random>
#include <vector>

namespace farm::measure {

namespace {

// About 0.2 s of nth_element work on a current machine.
constexpr double max_resampled_values = 4e7;
constexpr std::size_t min_resamples = 200;

// The median of a resample of `values` drawn with replacement into `scratch`.
double resampled_median(std::span<const double> values, std::vector<double>& scratch,
                        std::mt19937_64& random) {
    std::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
    for (double& slot : scratch) {
        slot = values[pick(random)];
    }
    return median(scratch);
}

} // namespace

RelativeSpeed relative_speed(std::span<const double> other, std::span<const double> reference,
                             std::size_t resamples, std::uint64_t seed) {
    if (other.empty() || reference.empty()) {
        throw Error("a relative speed needs runs on both sides");
    }
    RelativeSpeed result;
    double reference_median = median(reference);
    if (!(reference_median > 0)) {
        throw Error("a relative speed needs a reference median above 0");
    }
    result.ratio = median(other) / reference_median;
    result.p_value = mann_whitney_u(other, reference).p_value;

    double per_resample = double(other.size() + reference.size());
    std::size_t affordable = std::size_t(max_resampled_values / per_resample);
    result.resamples = std::max(min_resamples, std::min(resamples, affordable));
    std::mt19937_64 random(seed);
    std::vector<double> other_scratch(other.size());
    std::vector<double> reference_scratch(reference.size());
    std::vector<double> ratios;
    ratios.reserve(result.resamples);
    for (std::size_t i = 0; i < result.resamples; ++i) {
        double top = resampled_median(other, other_scratch, random);
        double bottom = resampled_median(reference, reference_scratch, random);
        if (bottom > 0) {
            ratios.push_back(top / bottom);
        }
    }
    if (ratios.empty()) {
        result.ci95_low = result.ci95_high = result.ratio;
        return result;
    }
    result.ci95_low = percentile(ratios, 2.5);
    result.ci95_high = percentile(ratios, 97.5);
    return result;
}

} // namespace farm::measure
