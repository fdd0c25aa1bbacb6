// Gamma draws by Marsaglia and Tsang's method (shape >= 1; a shape below 1 is boosted by
// U^(1/shape)), normal draws by Box-Muller, uniforms from the generator's top 53 bits: all
// computed here so that a seed means the same schedule with every standard library.
#include "farm/ai/arrivals.hpp"

#include "farm/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace farm::ai {

ArrivalSchedule::ArrivalSchedule(const ArrivalPlan& plan) : m_plan(plan), m_random(plan.seed) {
    if (!(plan.rate > 0) || !std::isfinite(plan.rate)) {
        throw UsageError("the request rate must be positive (--rate)");
    }
    if (!(plan.burstiness > 0) || !std::isfinite(plan.burstiness)) {
        throw UsageError("the burstiness must be positive (--burstiness; 1 is Poisson)");
    }
    if (plan.ramp_up_s < 0 || !std::isfinite(plan.ramp_up_s)) {
        throw UsageError("the ramp-up must be zero or more seconds (--ramp-up)");
    }
}

double ArrivalSchedule::uniform() {
    // In (0, 1): never 0, so that logarithms stay finite.
    return (double(m_random() >> 11) + 0.5) * 0x1.0p-53;
}

double ArrivalSchedule::standard_normal() {
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
}

double ArrivalSchedule::unit_gap() {
    double shape = m_plan.burstiness;
    double boost = 1.0;
    if (shape < 1.0) {
        boost = std::pow(uniform(), 1.0 / shape);
        shape += 1.0;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
        double x = standard_normal();
        double v = 1.0 + c * x;
        if (v <= 0) {
            continue;
        }
        v = v * v * v;
        double u = uniform();
        if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) {
            // gamma(shape, scale 1) has mean `shape`: divide by the burstiness for a mean of 1.
            return d * v * boost / m_plan.burstiness;
        }
    }
}

double ArrivalSchedule::next_s() {
    m_operational += unit_gap();
    double rate = m_plan.rate;
    double ramp = m_plan.ramp_up_s;
    if (ramp <= 0) {
        return m_operational / rate;
    }
    // Λ(t) = rate·t²/(2T) until T (where it reaches rate·T/2), then grows by `rate` per second.
    double ramped = rate * ramp / 2.0;
    if (m_operational < ramped) {
        return std::sqrt(2.0 * ramp * m_operational / rate);
    }
    return ramp + (m_operational - ramped) / rate;
}

std::size_t ramped_concurrency(std::size_t concurrency, double ramp_up_s, double elapsed_s) {
    if (ramp_up_s <= 0 || elapsed_s >= ramp_up_s) {
        return concurrency;
    }
    double allowed = std::ceil(double(concurrency) * std::max(elapsed_s, 0.0) / ramp_up_s);
    return std::clamp<std::size_t>(std::size_t(allowed), 1, concurrency);
}

double next_concurrency_step_s(std::size_t concurrency, double ramp_up_s, std::size_t now_allowed) {
    if (ramp_up_s <= 0 || now_allowed >= concurrency) {
        return 0;
    }
    // ceil(C·t/T) exceeds n just after t = n·T/C; a millisecond later, so that a wake-up at that
    // time finds the step taken.
    return ramp_up_s * double(now_allowed) / double(concurrency) + 0.001;
}

} // namespace farm::ai
