// Turns a dev-services measurement (dev::measure_dev) into what farm records and judges: history
// runs of kind "dev", one per subject (startup:<service> with startup_s, cpu_cores_mean and
// rss_peak_bytes per run; reload:<service> with reload_s per reload), and the findings the
// thresholds apply to. Every run of one invocation shares the same context and start time; a
// subject with nothing measured gets no run.
#pragma once

#include "farm/analysis/dev_advice.hpp"
#include "farm/dev/session.hpp"
#include "farm/history/run.hpp"

#include <vector>

namespace farm::report {

struct DevReport {
    std::vector<history::Run> runs; // ids filled in once recorded
    std::vector<analysis::DevServiceFindings> findings;
};

// How a dev measurement's outcome is recorded: ok, failed or interrupted.
history::RunStatus dev_run_status(dev::DevOutcome outcome);

// `base` carries the context, folder, status, start time and duration shared by every run.
DevReport dev_runs(const dev::DevResult& result, const history::Run& base);

} // namespace farm::report
