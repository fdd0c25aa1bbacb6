#include "farm/measure/stats.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>
#include <random>

#include <algorithm>
#include <cstddef>
#include <vector>

using namespace farm::measure;

// Expected numbers come from tests/fixtures/stats_reference.py, an independent Python
// implementation (standard library only). Regenerate them with:
//     python3 tests/fixtures/stats_reference.py
// The samples below must stay identical to the ones in that script.

namespace {

const std::vector<double> summary_sample{12.1, 11.8, 12.4, 12.0, 13.1,
                                         11.9, 12.2, 12.3, 12.0, 14.5};
const std::vector<double> outlier_sample{10.0, 10.2, 9.9, 10.1, 10.0, 10.3, 9.8, 25.0};
const std::vector<double> mad_zero_sample{5.0, 5.0, 5.0, 5.0, 5.0, 6.0, 7.0};

// R ?wilcox.test, Hollander & Wolfe: W = 35, one-sided p = 0.1272 ("greater").
const std::vector<double> r_x{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
const std::vector<double> r_y{1.15, 0.88, 0.90, 0.74, 1.21};

const std::vector<double> small_a{1.1, 2.3, 3.0, 4.7};
const std::vector<double> small_b{2.0, 3.5, 5.1, 6.2, 7.4};

const std::vector<double> ties_a{1.2, 1.3, 1.3, 1.4, 1.2, 1.5, 1.3, 1.4, 1.6, 1.3, 1.2, 1.4,
                                 1.5, 1.3, 1.4, 1.7, 1.3, 1.2, 1.4, 1.5, 1.3, 1.4, 1.3, 1.6};
const std::vector<double> ties_b{1.4, 1.5, 1.5, 1.6, 1.4, 1.7, 1.5, 1.6, 1.8, 1.5, 1.4,
                                 1.6, 1.5, 1.3, 1.6, 1.7, 1.5, 1.9, 1.6, 1.5, 1.4};

} // namespace

TEST_CASE("measure::summarize") {
    SUBCASE("known sample") {
        Summary s = summarize(summary_sample);
        CHECK(s.count == 10);
        CHECK(s.mean == doctest::Approx(12.43).epsilon(1e-12));
        CHECK(s.median == doctest::Approx(12.149999999999999).epsilon(1e-12));
        CHECK(s.stddev == doctest::Approx(0.8138386408455507).epsilon(1e-12));
        CHECK(s.min == 11.8);
        CHECK(s.max == 14.5);
        CHECK(s.p95 == doctest::Approx(13.87).epsilon(1e-12));
        CHECK(s.p90 == doctest::Approx(percentile(summary_sample, 90)));
        CHECK(s.p99 == doctest::Approx(percentile(summary_sample, 99)));
        CHECK(s.p90 <= s.p95);
        CHECK(s.p95 <= s.p99);
        CHECK(s.p99 <= s.max);
        CHECK(s.ci95_low <= s.median);
        CHECK(s.ci95_high >= s.median);
        CHECK(s.ci95_low >= s.min);
        CHECK(s.ci95_high <= s.max);
    }
    SUBCASE("single sample") {
        std::vector<double> one{3.25};
        Summary s = summarize(one);
        CHECK(s.count == 1);
        CHECK(s.mean == 3.25);
        CHECK(s.median == 3.25);
        CHECK(s.stddev == 0);
        CHECK(s.min == 3.25);
        CHECK(s.max == 3.25);
        CHECK(s.p95 == 3.25);
        CHECK(s.p90 == 3.25);
        CHECK(s.p99 == 3.25);
        CHECK(s.ci95_low == 3.25);
        CHECK(s.ci95_high == 3.25);
    }
    SUBCASE("empty input throws") {
        std::vector<double> none;
        CHECK_THROWS_AS(summarize(none), farm::Error);
        CHECK_THROWS_WITH(summarize(none), doctest::Contains("empty"));
        CHECK_THROWS_AS(mean(none), farm::Error);
        CHECK_THROWS_AS(median(none), farm::Error);
        CHECK_THROWS_AS(sample_stddev(none), farm::Error);
        CHECK_THROWS_AS(percentile(none, 50), farm::Error);
        CHECK_THROWS_AS(bootstrap_median_ci(none), farm::Error);
    }
}

TEST_CASE("measure::median") {
    std::vector<double> odd{5, 1, 3};
    std::vector<double> even{4, 1, 3, 2};
    CHECK(median(odd) == 3);
    CHECK(median(even) == 2.5);
}

TEST_CASE("measure::percentile") {
    SUBCASE("endpoints are min and max") {
        CHECK(percentile(summary_sample, 0) == 11.8);
        CHECK(percentile(summary_sample, 100) == 14.5);
    }
    SUBCASE("linear interpolation between closest ranks") {
        CHECK(percentile(summary_sample, 95) == doctest::Approx(13.869999999999997).epsilon(1e-12));
        CHECK(percentile(summary_sample, 25) == doctest::Approx(12.0).epsilon(1e-12));
        CHECK(percentile(summary_sample, 50) == doctest::Approx(12.15).epsilon(1e-12));
    }
    SUBCASE("p outside [0, 100] throws") {
        CHECK_THROWS_AS(percentile(summary_sample, -1), farm::Error);
        CHECK_THROWS_AS(percentile(summary_sample, 100.5), farm::Error);
    }
}

TEST_CASE("measure::bootstrap_median_ci") {
    SUBCASE("contains the median, lies within [min, max], is deterministic") {
        std::pair<double, double> first = bootstrap_median_ci(summary_sample);
        std::pair<double, double> second = bootstrap_median_ci(summary_sample);
        CHECK(first.first == second.first);
        CHECK(first.second == second.second);
        double m = median(summary_sample);
        CHECK(first.first <= m);
        CHECK(first.second >= m);
        CHECK(first.first >= 11.8);
        CHECK(first.second <= 14.5);
        CHECK(first.first < first.second);
    }
    SUBCASE("a different seed still gives a valid interval") {
        std::pair<double, double> ci = bootstrap_median_ci(summary_sample, 0.95, 2000, 42);
        CHECK(ci.first <= ci.second);
        CHECK(ci.first >= 11.8);
        CHECK(ci.second <= 14.5);
    }
    SUBCASE("a narrower confidence gives a narrower interval") {
        std::pair<double, double> wide = bootstrap_median_ci(summary_sample, 0.95);
        std::pair<double, double> narrow = bootstrap_median_ci(summary_sample, 0.5);
        CHECK(narrow.first >= wide.first);
        CHECK(narrow.second <= wide.second);
    }
    SUBCASE("one sample") {
        std::vector<double> one{7.5};
        std::pair<double, double> ci = bootstrap_median_ci(one);
        CHECK(ci.first == 7.5);
        CHECK(ci.second == 7.5);
    }
    SUBCASE("1000 samples") {
        std::vector<double> values;
        for (int i = 0; i < 1000; ++i) {
            values.push_back(100.0 + static_cast<double>((i * 37) % 101));
        }
        std::pair<double, double> ci = bootstrap_median_ci(values);
        double m = median(values);
        CHECK(ci.first <= m);
        CHECK(ci.second >= m);
        CHECK(ci.second - ci.first < 20);
    }
    SUBCASE("100,000 samples: the exact bootstrap's ranks, as the normal limit puts them") {
        // Values 0..n-1 make each value its rank. The m-th smallest of n draws is at most rank
        // j with probability P(Binomial(n, j/n) >= m); for n this large the 2.5% and 97.5%
        // points sit 1.96 sqrt(n)/2 = 309.9 ranks either side of the median.
        std::vector<double> values;
        for (int i = 0; i < 100000; ++i) {
            values.push_back(double((i * 7919) % 100000)); // every rank once, not in order
        }
        std::pair<double, double> ci = bootstrap_median_ci(values);
        CHECK(ci.first == doctest::Approx(49999.5 - 309.9).epsilon(0.00005));
        CHECK(ci.second == doctest::Approx(49999.5 + 309.9).epsilon(0.00005));
    }
    SUBCASE("invalid arguments throw") {
        CHECK_THROWS_AS(bootstrap_median_ci(summary_sample, 1.0), farm::Error);
        CHECK_THROWS_AS(bootstrap_median_ci(summary_sample, 0.0), farm::Error);
        CHECK_THROWS_AS(bootstrap_median_ci(summary_sample, 0.95, 0), farm::Error);
    }
}

TEST_CASE("measure::modified_z_scores") {
    SUBCASE("matches the reference") {
        std::vector<double> expected{-0.2248333333333373, 0.674499999999996,   -0.674500000000004,
                                     0.22483333333332936, -0.2248333333333373, 1.1241666666666705,
                                     -1.1241666666666705, 67.2251666666669};
        std::vector<double> z = modified_z_scores(outlier_sample);
        REQUIRE(z.size() == expected.size());
        for (std::size_t i = 0; i < z.size(); ++i) {
            CAPTURE(i);
            CHECK(z[i] == doctest::Approx(expected[i]).epsilon(1e-9));
        }
    }
    SUBCASE("MAD == 0 falls back to the mean absolute deviation") {
        std::vector<double> expected{0, 0, 0, 0, 0, 1.8617308458481538, 3.7234616916963077};
        std::vector<double> z = modified_z_scores(mad_zero_sample);
        REQUIRE(z.size() == expected.size());
        for (std::size_t i = 0; i < z.size(); ++i) {
            CAPTURE(i);
            CHECK(z[i] == doctest::Approx(expected[i]).epsilon(1e-9));
        }
    }
    SUBCASE("all equal gives zeros") {
        std::vector<double> equal(6, 2.5);
        std::vector<double> z = modified_z_scores(equal);
        CHECK(z == std::vector<double>(6, 0.0));
    }
}

TEST_CASE("measure::outlier_indices") {
    SUBCASE("one clear outlier") {
        CHECK(outlier_indices(outlier_sample) == std::vector<std::size_t>{7});
    }
    SUBCASE("all equal flags nothing") {
        std::vector<double> equal(10, 1.0);
        CHECK(outlier_indices(equal).empty());
    }
    SUBCASE("MAD == 0 fallback flags only the far value") {
        CHECK(outlier_indices(mad_zero_sample) == std::vector<std::size_t>{6});
    }
    SUBCASE("threshold is configurable") {
        CHECK(outlier_indices(mad_zero_sample, 1.5) == std::vector<std::size_t>{5, 6});
    }
    SUBCASE("empty input flags nothing") {
        std::vector<double> none;
        CHECK(outlier_indices(none).empty());
    }
}

TEST_CASE("measure::mann_whitney_u") {
    SUBCASE("exact: R wilcox.test example (Hollander & Wolfe)") {
        MannWhitneyResult r = mann_whitney_u(r_x, r_y);
        CHECK(r.exact);
        CHECK(r.u == 35);
        CHECK(r.p_value == doctest::Approx(0.2544122544122544).epsilon(1e-12));
        // U of the other sample is n1 n2 - U; the two-sided p is symmetric.
        MannWhitneyResult swapped = mann_whitney_u(r_y, r_x);
        CHECK(swapped.exact);
        CHECK(swapped.u == 15);
        CHECK(swapped.p_value == doctest::Approx(0.2544122544122544).epsilon(1e-12));
    }
    SUBCASE("exact: small case enumerated by brute force") {
        MannWhitneyResult r = mann_whitney_u(small_a, small_b);
        CHECK(r.exact);
        CHECK(r.u == 4);
        CHECK(r.p_value == doctest::Approx(0.19047619047619047).epsilon(1e-12));
    }
    SUBCASE("exact: complete separation at the 20 x 20 limit") {
        std::vector<double> low;
        std::vector<double> high;
        for (int i = 0; i < 20; ++i) {
            low.push_back(static_cast<double>(i));
            high.push_back(static_cast<double>(100 + i));
        }
        MannWhitneyResult r = mann_whitney_u(low, high);
        CHECK(r.exact);
        CHECK(r.u == 0);
        // Only one of C(40, 20) = 137846528820 arrangements is this extreme on each side.
        CHECK(r.p_value == doctest::Approx(2.0 / 137846528820.0).epsilon(1e-9));
    }
    SUBCASE("normal approximation with ties") {
        MannWhitneyResult r = mann_whitney_u(ties_a, ties_b);
        CHECK_FALSE(r.exact);
        CHECK(r.u == 94.5);
        CHECK(r.p_value == doctest::Approx(0.00027833662539045683).epsilon(1e-6));
        MannWhitneyResult swapped = mann_whitney_u(ties_b, ties_a);
        CHECK(swapped.u == 409.5);
        CHECK(swapped.p_value == doctest::Approx(0.00027833662539045683).epsilon(1e-6));
    }
    SUBCASE("a single tie in small samples switches to the normal approximation") {
        std::vector<double> a{1.0, 2.0, 3.0};
        std::vector<double> b{3.0, 4.0, 5.0};
        CHECK_FALSE(mann_whitney_u(a, b).exact);
    }
    SUBCASE("identical samples give p = 1") {
        std::vector<double> same(15, 2.0);
        MannWhitneyResult r = mann_whitney_u(same, same);
        CHECK(r.p_value == 1.0);
        CHECK(r.u == doctest::Approx(15.0 * 15.0 / 2));
        std::vector<double> a{1.0, 2.0, 3.0, 4.0};
        CHECK(mann_whitney_u(a, a).p_value == doctest::Approx(1.0));
    }
    SUBCASE("clearly separated large samples") {
        std::vector<double> fast;
        std::vector<double> slow;
        for (int i = 0; i < 50; ++i) {
            fast.push_back(1.0 + 0.01 * static_cast<double>(i % 7));
            slow.push_back(2.0 + 0.01 * static_cast<double>(i % 5));
        }
        MannWhitneyResult r = mann_whitney_u(fast, slow);
        CHECK_FALSE(r.exact);
        CHECK(r.u == 0);
        CHECK(r.p_value < 1e-6);
    }
    SUBCASE("empty side throws") {
        std::vector<double> none;
        CHECK_THROWS_AS(mann_whitney_u(none, small_b), farm::Error);
        CHECK_THROWS_AS(mann_whitney_u(small_a, none), farm::Error);
    }
}

TEST_CASE("measure::bootstrap_median_ci for large samples (exact bootstrap distribution)") {
    // For normal data the median's standard error is sqrt(pi/2) * sigma / sqrt(n); a 95%
    // interval is then about +-1.96 of it. The exact bootstrap must agree with that theory.
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(10.0, 1.0);
    for (std::size_t n : {std::size_t(201), std::size_t(1000), std::size_t(1001)}) {
        std::vector<double> values(n);
        for (double& v : values) {
            v = normal(rng);
        }
        std::pair<double, double> ci = bootstrap_median_ci(values);
        double center = median(values);
        CHECK(ci.first <= center);
        CHECK(ci.second >= center);
        double expected_half_width = 1.96 * std::sqrt(std::acos(-1.0) / 2) / std::sqrt(double(n));
        double half_width = (ci.second - ci.first) / 2;
        CHECK(half_width == doctest::Approx(expected_half_width).epsilon(0.35));
        CHECK(bootstrap_median_ci(values) == ci); // deterministic
    }
}
