// ai::summarize_load's verdict on the client itself: a loop busy most of a real phase is
// saturated; the same share over the millisecond that ten failing requests take is no verdict.
#include "farm/ai/load_summary.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace farm;

namespace {

ai::BenchmarkResult phase_of(double seconds, double busy_share) {
    ai::BenchmarkResult result;
    result.started = std::chrono::steady_clock::now();
    result.ended = result.started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(seconds));
    result.loop.busy_s = seconds * busy_share;
    result.loop.stretches = 10;
    result.loop.stretch_ms = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    result.client_cpu_s = seconds * busy_share;
    return result;
}

} // namespace

TEST_CASE("ai::summarize_load: a saturated client needs a phase long enough to judge") {
    ai::LoadSummary busy = ai::summarize_load(phase_of(2.0, 0.9));
    CHECK(busy.client_saturated);
    CHECK(busy.loop_busy_pct == doctest::Approx(90));
    CHECK_FALSE(ai::summarize_load(phase_of(2.0, 0.5)).client_saturated);
    // Ten requests failing at once: 2 ms, 84% busy. Shown, but no verdict.
    ai::LoadSummary instant = ai::summarize_load(phase_of(0.002, 0.84));
    CHECK(instant.loop_busy_pct == doctest::Approx(84));
    CHECK_FALSE(instant.client_saturated);
}
