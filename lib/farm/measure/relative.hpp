// How much faster one command is than another, from the wall times of their runs.
//
//   ratio   = median(other) / median(reference): 2.0 means the reference is twice as fast
//   ci95    = percentile bootstrap of that ratio: each resample draws both sides again (with
//             replacement, each as large as it was), the 2.5th and 97.5th percentiles of the
//             resampled ratios bound it; a fixed seed makes the same samples give the same interval
//   p_value = two-sided Mann-Whitney U of the two samples (stats.hpp)
// The number of resamples is 2000, fewer (not below 200) when the samples are so long that 2000
// would take more than a few tenths of a second; docs/metrics.md says the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace farm::measure {

struct RelativeSpeed {
    double ratio = 0;
    double ci95_low = 0;
    double ci95_high = 0;
    double p_value = 1;
    std::size_t resamples = 0;
};

// Throws farm::Error when either side is empty or the reference's median is not above 0.
RelativeSpeed relative_speed(std::span<const double> other, std::span<const double> reference,
                             std::size_t resamples = 2000, std::uint64_t seed = 0x5eed'f00dULL);

} // namespace farm::measure
