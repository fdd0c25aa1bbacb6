#include "farm/analysis/compare.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace farm::analysis;

namespace {

// Lognormal timing noise around `median` with relative spread `sigma`, as build times behave.
std::vector<double> timings(std::mt19937_64& rng, std::size_t n, double median, double sigma) {
    std::normal_distribution<double> noise(0.0, sigma);
    std::vector<double> values;
    for (std::size_t i = 0; i < n; ++i) {
        values.push_back(median * std::exp(noise(rng)));
    }
    return values;
}

} // namespace

TEST_CASE("analysis::compare_samples names a 25% slowdown slower") {
    std::mt19937_64 rng(7);
    std::vector<double> baseline = timings(rng, 30, 1.0, 0.05);
    std::vector<double> candidate = timings(rng, 10, 1.25, 0.05);
    MetricComparison c = compare_samples(baseline, candidate, "wall_s", CompareSettings{});
    CHECK(c.verdict == Verdict::slower);
    REQUIRE(c.change_pct.has_value());
    CHECK(*c.change_pct == doctest::Approx(25).epsilon(0.2));
    CHECK(*c.p_value < 0.001);
    // The same change the other way is faster.
    CHECK(compare_samples(candidate, baseline, "wall_s", CompareSettings{}).verdict ==
          Verdict::faster);
}

TEST_CASE("analysis::compare_samples needs both significance and the noise floor") {
    std::mt19937_64 rng(11);
    // 10% slower with tiny noise: significant, but under the 20% floor.
    std::vector<double> baseline = timings(rng, 30, 1.0, 0.01);
    std::vector<double> candidate = timings(rng, 10, 1.10, 0.01);
    MetricComparison c = compare_samples(baseline, candidate, "wall_s", CompareSettings{});
    CHECK(*c.p_value < 0.05);
    CHECK(c.verdict == Verdict::no_change);
    CompareSettings tight;
    tight.threshold_pct = 5;
    CHECK(compare_samples(baseline, candidate, "wall_s", tight).verdict == Verdict::slower);
}

TEST_CASE("analysis::compare_samples gives no verdict on too few samples") {
    std::vector<double> four = {1, 1.1, 1.2, 1.3};
    std::vector<double> many = {2, 2.1, 2.2, 2.3, 2.4, 2.5};
    MetricComparison c = compare_samples(four, many, "wall_s", CompareSettings{});
    CHECK(c.verdict == Verdict::not_enough_data);
    CHECK_FALSE(c.p_value.has_value());
    CHECK(c.change_pct.has_value()); // the medians are still shown
    CHECK(compare_samples({}, many, "wall_s", CompareSettings{}).verdict ==
          Verdict::not_enough_data);
}

TEST_CASE("analysis::compare_samples: for rates a drop is the regression") {
    std::vector<double> before = {90, 91, 92, 93, 94, 95};
    std::vector<double> after = {40, 41, 42, 43, 44, 45};
    CHECK(higher_is_better("store_hit_rate"));
    CHECK(higher_is_better("tokens_per_s"));
    CHECK_FALSE(higher_is_better("wall_s"));
    CHECK(compare_samples(before, after, "store_hit_rate", CompareSettings{}).verdict ==
          Verdict::slower);
    CHECK(compare_samples(before, after, "wall_s", CompareSettings{}).verdict == Verdict::faster);
}

TEST_CASE("analysis::compare_samples rarely cries wolf (200 seeds, same distribution)") {
    // Candidate and baseline drawn from one distribution: a verdict of "slower" is a false
    // alarm. With the default noise floor there should be (almost) none; with no floor at all,
    // the two-sided test at alpha 0.05 says "slower" about 2.5% of the time and never more than
    // 5% over 200 seeds.
    std::size_t alarms_default = 0, alarms_no_floor = 0;
    CompareSettings no_floor;
    no_floor.threshold_pct = 0;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        std::mt19937_64 rng(seed);
        std::vector<double> baseline = timings(rng, 50, 2.0, 0.10);
        std::vector<double> candidate = timings(rng, 10, 2.0, 0.10);
        alarms_default +=
            compare_samples(baseline, candidate, "wall_s", CompareSettings{}).verdict ==
            Verdict::slower;
        alarms_no_floor +=
            compare_samples(baseline, candidate, "wall_s", no_floor).verdict == Verdict::slower;
    }
    CHECK(alarms_default <= 10);
    CHECK(alarms_no_floor <= 10);
    MESSAGE("false alarms over 200 seeds: " << alarms_default << " (20% floor), " << alarms_no_floor
                                            << " (no floor)");
}

TEST_CASE("analysis::compare_samples finds a real 25% slowdown in nearly every seed") {
    std::size_t found = 0;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        std::mt19937_64 rng(seed + 1000);
        std::vector<double> baseline = timings(rng, 50, 2.0, 0.05);
        std::vector<double> candidate = timings(rng, 10, 2.5, 0.05);
        found += compare_samples(baseline, candidate, "wall_s", CompareSettings{}).verdict ==
                 Verdict::slower;
    }
    CHECK(found >= 190);
}

TEST_CASE("analysis::geometric_mean_ratio") {
    std::vector<MetricComparison> rows(2);
    rows[0].baseline_median = 1;
    rows[0].candidate_median = 2;
    rows[1].baseline_median = 4;
    rows[1].candidate_median = 2;
    CHECK(*geometric_mean_ratio(rows) == doctest::Approx(1.0));
    rows[1].baseline_median = 0; // left out
    CHECK(*geometric_mean_ratio(rows) == doctest::Approx(2.0));
    CHECK_FALSE(geometric_mean_ratio({}).has_value());
}

TEST_CASE("analysis::default_threshold_pct follows the seeds") {
    CHECK(default_threshold_pct("build") == 20);
    CHECK(default_threshold_pct("install") == 20);
    CHECK(default_threshold_pct("ai") == 15);
    CHECK(default_threshold_pct("dev") == 15);
}

TEST_CASE("analysis::faster_beyond_floor: a real gain passes, no difference almost never does") {
    std::mt19937_64 rng(2026);
    CompareSettings settings;
    settings.threshold_pct = 5;
    settings.min_samples = 4;
    for (std::size_t n : {4, 8}) {
        CAPTURE(n);
        // No difference at all, 4% timing noise: how often each rule would write.
        int old_rule = 0;
        int new_rule = 0;
        const int trials = 4000;
        for (int i = 0; i < trials; ++i) {
            std::vector<double> before = timings(rng, n, 1.0, 0.04);
            std::vector<double> after = timings(rng, n, 1.0, 0.04);
            bool faster =
                compare_samples(before, after, "wall_s", settings).verdict == Verdict::faster;
            old_rule += faster;
            new_rule += faster && faster_beyond_floor(before, after, 5).faster;
        }
        MESSAGE("no difference, n = " << n << ": written by p < 0.05 and the floor " << old_rule
                                      << " times in " << trials << ", with the floor taken off "
                                      << new_rule);
        CHECK(old_rule > 0); // the old rule did pass now and then (the ~1% of the issue)
        CHECK(new_rule * 1000 <= trials); // at most 1 in 1,000
        CHECK(new_rule * 5 <= old_rule);
        // A 25% gain with the same noise is still shown, nearly always.
        int shown = 0;
        for (int i = 0; i < 200; ++i) {
            std::vector<double> before = timings(rng, n, 1.0, 0.04);
            std::vector<double> after = timings(rng, n, 0.75, 0.04);
            shown += faster_beyond_floor(before, after, 5).faster;
        }
        CHECK(shown >= 190);
    }
    // A gain smaller than the floor is never "beyond" it, however clean the samples.
    std::vector<double> before = {1.00, 1.001, 0.999, 1.0005, 0.9995, 1.0002};
    std::vector<double> after = {0.97, 0.971, 0.969, 0.9705, 0.9695, 0.9702};
    CHECK_FALSE(faster_beyond_floor(before, after, 5).faster);
    CHECK(faster_beyond_floor(before, after, 1).faster);
    CHECK_FALSE(faster_beyond_floor({}, after, 5).faster);
}
