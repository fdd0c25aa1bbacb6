#include "farm/measure/relative.hpp"

#include "farm/core/error.hpp"

#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace farm::measure;

namespace {

std::vector<double> noisy(double centre, double spread, std::size_t n, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<double> noise(0, spread);
    std::vector<double> values;
    for (std::size_t i = 0; i < n; ++i) {
        values.push_back(centre + noise(random));
    }
    return values;
}

} // namespace

TEST_CASE("measure::relative_speed is the ratio of medians with an interval around it") {
    std::vector<double> fast = noisy(0.05, 0.001, 30, 1);
    std::vector<double> slow = noisy(0.10, 0.001, 30, 2);
    RelativeSpeed s = relative_speed(slow, fast);
    CHECK(s.ratio == doctest::Approx(2.0).epsilon(0.03));
    CHECK(s.ci95_low <= s.ratio);
    CHECK(s.ci95_high >= s.ratio);
    CHECK(s.ci95_low > 1.9);
    CHECK(s.ci95_high < 2.1);
    CHECK(s.p_value < 0.001);
    CHECK(s.resamples == 2000);
}

TEST_CASE("measure::relative_speed: exact ratio of medians on known samples") {
    std::vector<double> reference = {1, 2, 3};   // median 2
    std::vector<double> other = {4, 5, 6, 7, 8}; // median 6
    RelativeSpeed s = relative_speed(other, reference);
    CHECK(s.ratio == doctest::Approx(3.0));
    // Every resampled ratio lies between min(other)/max(ref) and max(other)/min(ref).
    CHECK(s.ci95_low >= 4.0 / 3.0);
    CHECK(s.ci95_high <= 8.0);
}

TEST_CASE("measure::relative_speed is reproducible: a fixed seed gives the same interval") {
    std::vector<double> a = noisy(1.0, 0.2, 25, 3);
    std::vector<double> b = noisy(1.1, 0.2, 25, 4);
    RelativeSpeed first = relative_speed(b, a);
    RelativeSpeed second = relative_speed(b, a);
    CHECK(first.ci95_low == second.ci95_low);
    CHECK(first.ci95_high == second.ci95_high);
    // Equal samples: ratio 1, and the interval holds 1.
    RelativeSpeed same = relative_speed(a, a);
    CHECK(same.ratio == doctest::Approx(1.0));
    CHECK(same.ci95_low <= 1.0);
    CHECK(same.ci95_high >= 1.0);
    CHECK(same.p_value > 0.5);
}

TEST_CASE("measure::relative_speed bounds its work on long samples and refuses empty ones") {
    std::vector<double> big = noisy(1.0, 0.1, 100'000, 5);
    RelativeSpeed s = relative_speed(big, big, 2000);
    CHECK(s.resamples == 200);
    std::vector<double> none;
    CHECK_THROWS_AS(relative_speed(none, big), farm::Error);
    std::vector<double> zeros = {0, 0};
    CHECK_THROWS_AS(relative_speed(big, zeros), farm::Error);
}
