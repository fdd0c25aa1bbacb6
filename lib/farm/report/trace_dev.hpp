// The timeline of `farm perf:dev --trace FILE` (trace_events.hpp), made from the start-up and
// reload timelines the session keeps (dev/session.hpp).
//
// Process 1 ("farm perf:dev") has two tracks per service. "NAME start-up": each run's start-up
// as a span from the spawn to the last phase seen, cut into the phases in the order they came
// (spawn -> first output -> port open -> ready -> first 2xx -> page load; a phase not seen is
// left out). "NAME reloads": each reload as a span from the file edit to the slowest of its
// clocks, with an instant at each clock (server log, hmr, browser).
#pragma once

#include "farm/dev/session.hpp"
#include "farm/report/trace_events.hpp"

namespace farm::report {

void add_dev_session(TraceEvents& trace, const dev::DevResult& result);

} // namespace farm::report
