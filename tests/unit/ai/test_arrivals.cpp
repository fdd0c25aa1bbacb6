// ai::ArrivalSchedule: the gamma arrivals of --rate/--burstiness and the ramps of --ramp-up, from
// a fixed seed (the schedule is computed, not timed, so the bounds are statistical only).
#include "farm/ai/arrivals.hpp"
#include "farm/core/error.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace farm;

namespace {

std::vector<double> gaps(const ai::ArrivalPlan& plan, std::size_t count) {
    ai::ArrivalSchedule schedule(plan);
    std::vector<double> out;
    double last = 0;
    for (std::size_t i = 0; i < count; ++i) {
        double at = schedule.next_s();
        out.push_back(at - last);
        last = at;
    }
    return out;
}

double mean(const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) {
        sum += v;
    }
    return sum / double(values.size());
}

// Coefficient of variation: stddev / mean.
double cv(const std::vector<double>& values) {
    double m = mean(values);
    double squares = 0;
    for (double v : values) {
        squares += (v - m) * (v - m);
    }
    return std::sqrt(squares / double(values.size() - 1)) / m;
}

} // namespace

TEST_CASE("ai::ArrivalSchedule: burstiness is the gamma shape, the mean gap stays 1/rate") {
    // 4,000 gaps: the sample CV is within a few percent of 1/sqrt(shape); the bounds are wide.
    for (double burstiness : {0.25, 1.0, 4.0}) {
        std::vector<double> g = gaps({20, burstiness, 0, 7}, 4000);
        INFO("burstiness " << burstiness << ": mean " << mean(g) << " cv " << cv(g));
        CHECK(mean(g) == doctest::Approx(1.0 / 20).epsilon(0.1));
        CHECK(cv(g) == doctest::Approx(1 / std::sqrt(burstiness)).epsilon(0.15));
    }
    // Poisson against bursts against even arrivals, by a wide margin.
    CHECK(cv(gaps({20, 0.25, 0, 7}, 4000)) > 1.5 * cv(gaps({20, 1, 0, 7}, 4000)));
    CHECK(cv(gaps({20, 4, 0, 7}, 4000)) < 0.7 * cv(gaps({20, 1, 0, 7}, 4000)));
}

TEST_CASE("ai::ArrivalSchedule: the same seed gives the same schedule") {
    CHECK(gaps({50, 0.5, 2, 42}, 100) == gaps({50, 0.5, 2, 42}, 100));
    CHECK(gaps({50, 0.5, 2, 42}, 100) != gaps({50, 0.5, 2, 43}, 100));
}

TEST_CASE("ai::ArrivalSchedule: a linear ramp of the rate") {
    // Rate 1,000/s reached after 2 s: Λ(1) = 250 arrivals in the first second, 750 in the
    // second (Λ(2) = 1,000), then 1,000 a second.
    ai::ArrivalSchedule schedule({1000, 1, 2, 3});
    std::size_t first = 0, second = 0, third = 0;
    while (true) {
        double at = schedule.next_s();
        if (at >= 3) {
            break;
        }
        (at < 1 ? first : at < 2 ? second : third) += 1;
    }
    CHECK(first > 200);
    CHECK(first < 300);
    CHECK(second > 680);
    CHECK(second < 820);
    CHECK(third > 900);
    CHECK(third < 1100);
}

TEST_CASE("ai::ramped_concurrency grows linearly from 1 to the concurrency") {
    CHECK(ai::ramped_concurrency(8, 0, 0) == 8);
    CHECK(ai::ramped_concurrency(8, 4, 0) == 1);
    CHECK(ai::ramped_concurrency(8, 4, 1) == 2);
    CHECK(ai::ramped_concurrency(8, 4, 1.1) == 3);
    CHECK(ai::ramped_concurrency(8, 4, 3.9) == 8);
    CHECK(ai::ramped_concurrency(8, 4, 10) == 8);
    CHECK(ai::next_concurrency_step_s(8, 4, 2) == doctest::Approx(1.001));
    CHECK(ai::next_concurrency_step_s(8, 4, 8) == 0);
}

TEST_CASE("ai::ArrivalSchedule rejects impossible plans") {
    CHECK_THROWS_AS(ai::ArrivalSchedule({0, 1, 0, 1}), UsageError);
    CHECK_THROWS_AS(ai::ArrivalSchedule({10, 0, 0, 1}), UsageError);
    CHECK_THROWS_AS(ai::ArrivalSchedule({10, 1, -1, 1}), UsageError);
}
