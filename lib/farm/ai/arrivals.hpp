// When an open-loop load sends its requests: the arrival schedule of --rate, --burstiness and
// --ramp-up, and the ramp of --concurrency.
//
// Arrivals (as vLLM's `bench serve`): the gaps between requests are drawn from a gamma
// distribution of shape `burstiness` and mean 1/rate, so burstiness 1 is a Poisson process,
// below 1 the arrivals come in bursts (coefficient of variation of the gaps 1/sqrt(burstiness)),
// above 1 they are more even. Unlike vLLM, the drawn times are not rescaled to end exactly at
// requests/rate: a run may end at its deadline, and a rescaled schedule would change with the
// number of requests.
//
// Ramp-up over T seconds (farm's own definition; vLLM ramps its rate by request index): the
// arrival rate rises linearly from 0 to `rate` over the first T seconds, then stays at `rate`.
// The schedule is the gamma process above at rate 1, mapped through the inverse of the
// cumulative rate Λ(t) = rate·t²/(2T) for t < T, rate·(t − T/2) after, so the bursts keep their
// shape while the rate grows. With fixed concurrency C, a ramp of T seconds allows
// ceil(C·t/T) requests in flight at time t (at least 1), C from T on.
//
// Guarantees: the same seed gives the same schedule on every machine (std::mt19937_64 and the
// distributions are computed here, not by the standard library's implementation-defined ones).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace farm::ai {

struct ArrivalPlan {
    double rate = 1;       // requests/s once ramped up; > 0
    double burstiness = 1; // gamma shape; > 0
    double ramp_up_s = 0;  // 0: the full rate from the start
    std::uint64_t seed = 1;
};

class ArrivalSchedule {
  public:
    // Throws farm::UsageError for a rate or burstiness that is not positive, a negative ramp.
    explicit ArrivalSchedule(const ArrivalPlan& plan);
    // The next request's arrival, in seconds from the start of the schedule (non-decreasing).
    double next_s();

  private:
    double unit_gap(); // a gamma(shape = burstiness, mean 1) draw
    double standard_normal();
    double uniform();

    ArrivalPlan m_plan;
    std::mt19937_64 m_random;
    double m_operational = 0; // the schedule at rate 1
};

// Requests allowed in flight `elapsed_s` into a run with fixed concurrency and a ramp (see above).
std::size_t ramped_concurrency(std::size_t concurrency, double ramp_up_s, double elapsed_s);
// When ramped_concurrency next grows above `now_allowed`, in seconds from the start.
double next_concurrency_step_s(std::size_t concurrency, double ramp_up_s, std::size_t now_allowed);

} // namespace farm::ai
