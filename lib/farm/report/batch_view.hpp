// Several commands timed in one call (`farm perf:build -c A -c B`): how fast each was relative to
// a reference, as text ("`sleep 0.05` ran 1.98 ± 0.04 times faster than `sleep 0.1`") and as the
// "relative" block and the "farm.batch/1" document of --json (docs/json.md).
//
// The comparison reads wall_s of the runs that completed (status ok) and have at least one
// iteration; the others are listed as left out, never compared. The reference is the one asked
// for, else the fastest median. ratio = median(other) / median(reference), with its 95%
// bootstrap interval and the Mann-Whitney p (measure/relative.hpp); "± x" in the text is half
// the interval's width.
#pragma once

#include "farm/history/run.hpp"
#include "farm/measure/relative.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace farm::report {

struct RelativeRow {
    std::size_t run = 0; // index in the batch
    measure::RelativeSpeed speed;
};

struct RelativeBlock {
    std::size_t reference = 0;
    std::vector<RelativeRow> rows;     // every compared run but the reference
    std::vector<std::size_t> left_out; // failed, interrupted or without a run
};

// nullopt when fewer than two runs can be compared, or the asked-for reference cannot be.
std::optional<RelativeBlock> relative_block(const std::vector<history::Run>& runs,
                                            std::optional<std::size_t> reference);

// Each line wrapped to `width` (0: no limit) at spaces.
std::string render_relative(const std::vector<history::Run>& runs, const RelativeBlock& block,
                            std::size_t width = 0);

// Why relative_block gave nothing, as a line for the text output ("" when there is a block, or
// for a single run, where no comparison is expected).
std::string why_no_relative(const std::vector<history::Run>& runs,
                            std::optional<std::size_t> reference);

nlohmann::json relative_to_json(const std::vector<history::Run>& runs, const RelativeBlock& block);

struct BatchDocument {
    const std::vector<history::Run>* runs = nullptr;
    const std::vector<std::string>* failures = nullptr; // one per run
    const std::optional<RelativeBlock>* relative = nullptr;
    bool interleaved = true;
};

// {"schema": "farm.batch/1", "batch_id", "interleaved", "order_seed", "runs": [farm.run/1...],
//  "relative"}; the caller adds "recorded" and "unsaved_file" once storing was tried.
nlohmann::json batch_to_json(const BatchDocument& document);

} // namespace farm::report
