// How `farm perf:dev` shows a measurement: a table with one row per service (start-up median,
// min and max over the runs, reload median, CPU and peak RSS over the sampling window, verdicts
// against the thresholds), the advice, and the failure if any; or one JSON document (schema
// farm.dev/1, docs/json.md).
#pragma once

#include "farm/analysis/dev_advice.hpp"
#include "farm/core/config.hpp"
#include "farm/dev/session.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace farm::report {

struct DevView {
    const dev::DevResult* result = nullptr;
    std::vector<analysis::DevVerdict> verdicts; // one per service, in the result's order
    std::vector<analysis::Advice> advice;
    std::vector<std::int64_t> run_ids; // recorded runs; empty with --no-record
};

DevView make_dev_view(const dev::DevResult& result,
                      const std::vector<analysis::DevServiceFindings>& findings,
                      const core::DevThresholds& thresholds);

// `width` 0: no limit; otherwise every line fits it (report::Table, columns stacked by priority).
std::string render_dev(const DevView& view, bool color, std::size_t width = 0);

nlohmann::json dev_to_json(const DevView& view);

} // namespace farm::report
