#include "farm/measure/log_histogram.hpp"

#include "farm/core/error.hpp"
#include "farm/measure/stats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using farm::measure::LogHistogram;

TEST_CASE("measure::LogHistogram against the exact statistics") {
    std::mt19937_64 random(42);
    std::lognormal_distribution<double> gap_ms(2.0, 1.0); // median ~7.4 ms, long tail
    LogHistogram histogram;
    std::vector<double> samples;
    std::size_t refused = 0;
    for (int i = 0; i < 200000; ++i) {
        double v = gap_ms(random);
        samples.push_back(v);
        refused += histogram.add(v) ? 0 : 1;
    }
    CHECK(refused == 0);
    farm::measure::Summary exact = farm::measure::summarize(samples);
    farm::measure::Summary s = histogram.summary();
    CHECK(s.count == samples.size());
    CHECK(s.mean == doctest::Approx(exact.mean).epsilon(1e-9));
    CHECK(s.stddev == doctest::Approx(exact.stddev).epsilon(1e-9));
    CHECK(s.min == exact.min);
    CHECK(s.max == exact.max);
    // Within 1/256 of the exact value, plus the rounding to the resolution (0.001).
    for (double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9}) {
        double want = farm::measure::percentile(samples, p);
        INFO("p" << p << ": exact " << want << ", histogram " << histogram.percentile(p));
        CHECK(std::abs(histogram.percentile(p) - want) <= want / 256 + 0.001);
    }
    CHECK(s.median == histogram.percentile(50));
    CHECK(s.p99 == histogram.percentile(99));
    CHECK(std::isnan(s.ci95_low));
}

TEST_CASE("measure::LogHistogram small counts and edges") {
    LogHistogram histogram;
    CHECK_THROWS_AS(histogram.summary(), farm::Error);
    CHECK_FALSE(histogram.add(-1));
    CHECK_FALSE(histogram.add(std::nan("")));
    CHECK(histogram.count() == 0);

    histogram.add(10);
    CHECK(histogram.percentile(0) == 10);
    CHECK(histogram.percentile(100) == 10);
    CHECK(histogram.summary().stddev == 0);

    histogram.add(20);
    CHECK(histogram.percentile(0) == 10); // the extremes are exact
    CHECK(histogram.percentile(100) == 20);
    CHECK(histogram.percentile(50) == 15); // between them, as measure::percentile does
    CHECK(histogram.summary().stddev == doctest::Approx(std::sqrt(50.0)));

    LogHistogram zeros;
    zeros.add(0);
    zeros.add(0);
    zeros.add(0.0004); // rounds to 0 steps
    CHECK(zeros.percentile(50) == 0);
    CHECK(zeros.summary().max == 0.0004);

    LogHistogram huge;
    huge.add(1e30); // past 2^63 steps: counted in the last bucket, still exact as the max
    huge.add(1);
    CHECK(huge.summary().max == 1e30);
}
