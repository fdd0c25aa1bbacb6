// Renders the recent runs of each subject from the history (the first `farm perf:report`): for
// each run its primary metric's median and the change against the previous run of the same
// subject. The primary metric is the first one the run recorded (wall time for builds), so the
// view works for every kind of run without knowing it.
#pragma once

#include "farm/history/run.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

// `runs` as Store::recent_runs returns them (grouped by subject, newest first). The oldest run
// of each subject is shown only when `show_oldest` (it has no previous run to compare with
// when the query asked for one more run than it shows).
std::string render_recent_runs(const std::vector<history::RunOverview>& runs,
                               std::size_t per_subject, bool color);

nlohmann::json recent_runs_to_json(const std::vector<history::RunOverview>& runs,
                                   std::size_t per_subject);

} // namespace farm::report
